// SPDX-License-Identifier: GPL-2.0
/* test_bpf_v6.c - BPF_PROG_TEST_RUN tests of the meter's IPv6 /64 hash (tagih_v6h64) painted by agent/maps/v6hash.c, and the direct-mapped table in front of it (tagih_v6dm). */

/*
 * Every test loads a fresh skeleton with all pin paths cleared, so nothing
 * here touches the real pins under /sys/fs/bpf/tagih.  Prefixes go into
 * tagih_pfx6 and, after every change, v6hash_sync() repaints tagih_v6h64
 * exactly as the agent does, so the userspace painting and the BPF fast
 * path are tested together: hits, trie fallbacks, misses, isolir, resync
 * and a full map.
 *
 * Exit status 77 (skip) when the kernel refuses to load BPF at all.
 */
/* bpffix.h first: <arpa/inet.h> must come before <linux/in.h>. */
#include "tests/bpf/bpffix.h"

#include <endian.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ipv6.h>

#include "agent/maps/v6dm.h"
#include "agent/maps/v6hash.h"

#define MAX_V6	64
#define GUEST	"2606:4700::1111"	/* somewhere on the Internet */

static struct v6hash_pfx v6pfx[MAX_V6];
static size_t nv6;
static struct v6hash_stats vst;	/* of the last v6_resync() */

/*
 * Opens and loads the meter with no pinning and entries slots in
 * tagih_v6h64 (0: the object's default); returns 0 or -errno.
 */
static int meter_load_v6h(struct tagih_meter **out, __u32 entries)
{
	return bpffix_load(out, entries ? "tagih_v6h64" : NULL, entries);
}

static bool paint_dm;	/* v6_resync paints tagih_v6dm too */

static void setup(void)
{
	nv6 = 0;
	paint_dm = false;
	memset(&vst, 0, sizeof(vst));
	ck_assert_int_eq(meter_load_v6h(&skel, 0), 0);
}

/* A fresh meter whose hash has entries slots, for the tests that need it. */
static void reload(__u32 entries)
{
	teardown();
	ck_assert_int_eq(meter_load_v6h(&skel, entries), 0);
}

/* --- map helpers --------------------------------------------------------- */

/*
 * Repaint tagih_v6h64 from v6pfx with agent/maps/v6hash.c, as the agent
 * does; with paint_dm also the direct-mapped table tagih_v6dm from the
 * same painting (agent/maps/v6dm.c). The hash's own tests plant values in
 * the hash to show it is asked before the trie, so they leave the table
 * empty (it would answer first).
 */
static int v6_resync(void)
{
	struct v6hash_pfx tmp[MAX_V6];
	struct v6hash_map *vh;
	struct v6dm_map *dm;
	int err;

	memcpy(tmp, v6pfx, nv6 * sizeof(tmp[0]));	/* sync reorders */
	ck_assert_int_eq(v6hash_open(&vh, bpf_map__fd(skel->maps.tagih_v6h64)),
			 0);
	ck_assert_int_eq(v6dm_open(&dm, bpf_map__fd(skel->maps.tagih_v6dm)), 0);
	if (paint_dm)
		v6hash_set_dm(vh, dm);
	err = v6hash_sync(vh, tmp, nv6, &vst);
	v6hash_close(vh);
	v6dm_close(dm);
	return err;
}

static void add_pfx(const char *addr, __u32 plen, __u32 uid)
{
	struct tagih_pfx_val v = { .uid = uid };
	struct tagih_lpm6 k = { .prefixlen = plen };

	ck_assert_int_eq(inet_pton(AF_INET6, addr, k.addr), 1);
	ck_assert_int_eq(bpf_map__update_elem(skel->maps.tagih_pfx6, &k,
					      sizeof(k), &v, sizeof(v),
					      BPF_ANY), 0);
	ck_assert_uint_lt(nv6, MAX_V6);
	memcpy(v6pfx[nv6].addr, k.addr, 16);
	v6pfx[nv6].len = plen;
	v6pfx[nv6].uid = uid;
	nv6++;
	ck_assert_int_eq(v6_resync(), 0);
}

/* Removes v6pfx[i] from the trie and the list, then repaints. */
static void del_pfx(size_t i)
{
	struct tagih_lpm6 k = { .prefixlen = v6pfx[i].len };

	memcpy(k.addr, v6pfx[i].addr, 16);
	ck_assert_int_eq(bpf_map__delete_elem(skel->maps.tagih_pfx6, &k,
					      sizeof(k), 0), 0);
	v6pfx[i] = v6pfx[--nv6];
	ck_assert_int_eq(v6_resync(), 0);
}

/* tagih_v6h64 at the /64 of addr: 0 when absent. */
static __u32 v6h_get(const char *addr)
{
	__u8 a[16];
	__u64 key;
	__u32 v;

	ck_assert_int_eq(inet_pton(AF_INET6, addr, a), 1);
	memcpy(&key, a, sizeof(key));
	if (bpf_map__lookup_elem(skel->maps.tagih_v6h64, &key, sizeof(key),
				 &v, sizeof(v), 0))
		return 0;
	return v;
}

static void v6h_set(const char *addr, __u32 v)
{
	__u8 a[16];
	__u64 key;

	ck_assert_int_eq(inet_pton(AF_INET6, addr, a), 1);
	memcpy(&key, a, sizeof(key));
	ck_assert_int_eq(bpf_map__update_elem(skel->maps.tagih_v6h64, &key,
					      sizeof(key), &v, sizeof(v),
					      BPF_ANY), 0);
}

/* Entries in tagih_v6h64, counted key by key. */
static __u32 v6h_count(void)
{
	int fd = bpf_map__fd(skel->maps.tagih_v6h64);
	__u64 key, next;
	void *prev = NULL;
	__u32 n = 0;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		n++;
		key = next;
		prev = &key;
	}
	return n;
}

/* Up and down bytes and packets billed to uid; drops must be 0. */
#define assert_billed(uid, ub, up, db, dp)                                   \
	do {                                                                 \
		struct tagih_cnt c_ = cnt_sum(uid);                          \
		ck_assert_uint_eq(c_.up_bytes, (ub));                        \
		ck_assert_uint_eq(c_.up_pkts, (up));                         \
		ck_assert_uint_eq(c_.down_bytes, (db));                      \
		ck_assert_uint_eq(c_.down_pkts, (dp));                       \
		ck_assert_uint_eq(c_.drop_up_pkts + c_.drop_down_pkts, 0);   \
	} while (0)

/* --- frames ---------------------------------------------------------------- */

/*
 * An untagged IPv6 frame src -> dst, TCP or UDP sport -> dport with paylen
 * bytes of payload, run in dir; checks the action, returns the billed
 * length (40 + L4).
 */
static __u32 send6(int dir, const char *src, const char *dst, __u8 proto,
		   __u16 sport, __u16 dport, __u16 paylen, __u32 want)
{
	struct ipv6hdr ip6 = { .version = 6, .nexthdr = proto,
			       .hop_limit = 64 };
	__u8 buf[2048] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	__u32 l4len = (proto == IPPROTO_TCP ? 20 : 8) + paylen;
	struct bpf_program *prog = dir == UP ? skel->progs.tagih_lan :
					       skel->progs.tagih_wan;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .repeat = 1);
	int err;

	put16(buf + 12, htons(ETH_P_IPV6));
	ip6.payload_len = htons(l4len);
	ck_assert_int_eq(inet_pton(AF_INET6, src, &ip6.saddr), 1);
	ck_assert_int_eq(inet_pton(AF_INET6, dst, &ip6.daddr), 1);
	memcpy(buf + 14, &ip6, sizeof(ip6));	/* frames are not aligned */
	put16(buf + 54, htons(sport));
	put16(buf + 56, htons(dport));
	opts.data_size_in = 14 + sizeof(ip6) + l4len;
	err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
	ck_assert_msg(err == 0, "bpf_prog_test_run_opts: %s", strerror(-err));
	ck_assert_msg(opts.retval == want, "%s %s -> %s: action %u, want %u",
		      dir == UP ? "LAN" : "WAN", src, dst, opts.retval, want);
	return sizeof(ip6) + l4len;
}

/* From addr to the Internet (LAN side), UDP 100 bytes: billed 148. */
static void up(const char *addr)
{
	ck_assert_uint_eq(send6(UP, addr, GUEST, IPPROTO_UDP, 40000, 443, 100,
				XDP_PASS), 148);
}

/* From the Internet to addr (WAN side), TCP 1000 bytes: billed 1060. */
static void down(const char *addr)
{
	ck_assert_uint_eq(send6(DOWN, GUEST, addr, IPPROTO_TCP, 443, 40000,
				1000, XDP_PASS), 1060);
}

/* --- tests ----------------------------------------------------------------- */

START_TEST(test_hit_64)
{
	add_pfx("2001:db8:0:7::", 64, 1);
	ck_assert_uint_eq(vst.want, 1);
	ck_assert_uint_eq(vst.entries, 1);
	ck_assert_uint_eq(v6h_get("2001:db8:0:7::"), 1);

	up("2001:db8:0:7::1");
	down("2001:db8:0:7:ffff:ffff:ffff:ffff");
	assert_billed(1, 148, 1, 1060, 1);

	/*
	 * The hash is really asked first: a uid planted there (never what
	 * the agent writes) wins over the trie.
	 */
	v6h_set("2001:db8:0:7::", 2);
	up("2001:db8:0:7::1");
	assert_billed(1, 148, 1, 1060, 1);
	assert_billed(2, 148, 1, 0, 0);
	assert_gstat(TAGIH_G_UNKNOWN_UP, 0, 0);
}
END_TEST

START_TEST(test_hit_56)
{
	add_pfx("2001:db8:1:100::", 56, 3);
	ck_assert_uint_eq(vst.want, 256);
	ck_assert_uint_eq(vst.entries, 256);
	ck_assert_uint_eq(v6h_count(), 256);
	ck_assert_uint_eq(v6h_get("2001:db8:1:100::"), 3);
	ck_assert_uint_eq(v6h_get("2001:db8:1:1ff::"), 3);
	ck_assert_uint_eq(v6h_get("2001:db8:1:200::"), 0);

	up("2001:db8:1:100::1");
	up("2001:db8:1:1ab:1:2:3:4");
	down("2001:db8:1:1ff:ffff::9");
	assert_billed(3, 296, 2, 1060, 1);
	assert_gstat(TAGIH_G_UNKNOWN_UP, 0, 0);
	assert_gstat(TAGIH_G_UNKNOWN_DOWN, 0, 0);
}
END_TEST

/* A /128 of another subscriber inside a painted /64: the trie decides. */
START_TEST(test_128_in_painted_64)
{
	add_pfx("2001:db8:2:100::", 56, 1);
	add_pfx("2001:db8:2:105::", 64, 2);
	add_pfx("2001:db8:2:105::abcd", 128, 3);
	ck_assert_uint_eq(v6h_get("2001:db8:2:105::"), TAGIH_V6_TRIE);
	ck_assert_uint_eq(v6h_get("2001:db8:2:104::"), 1);

	up("2001:db8:2:105::abcd");	/* the /128's owner */
	up("2001:db8:2:105::abce");	/* the /64's, via the trie */
	down("2001:db8:2:104::1");	/* the /56's, via the hash */
	assert_billed(3, 148, 1, 0, 0);
	assert_billed(2, 148, 1, 0, 0);
	assert_billed(1, 0, 0, 1060, 1);
}
END_TEST

/* Shorter than /56: never painted, answered by the trie. */
START_TEST(test_48_trie_only)
{
	add_pfx("2001:db8:3::", 48, 4);
	ck_assert_uint_eq(vst.want, 0);
	ck_assert_uint_eq(v6h_count(), 0);
	add_pfx("2001:db8:3:4200::", 56, 5);	/* inside the /48 */
	ck_assert_uint_eq(vst.want, 256);

	up("2001:db8:3:1::1");		/* /48 only: miss, trie */
	down("2001:db8:3:ffff::1");
	up("2001:db8:3:4201::1");	/* the /56 inside: hash */
	assert_billed(4, 148, 1, 1060, 1);
	assert_billed(5, 148, 1, 0, 0);
}
END_TEST

START_TEST(test_miss_unknown)
{
	add_pfx("2001:db8:4:100::", 56, 1);
	ck_assert_uint_eq(send6(UP, "2001:db8:4:200::1", GUEST, IPPROTO_UDP,
				1, 2, 0, XDP_PASS), 48);
	ck_assert_uint_eq(send6(DOWN, GUEST, "2001:db9::1", IPPROTO_UDP, 1, 2,
				10, XDP_PASS), 58);
	assert_gstat(TAGIH_G_UNKNOWN_UP, 48, 1);
	assert_gstat(TAGIH_G_UNKNOWN_DOWN, 58, 1);
	assert_billed(1, 0, 0, 0, 0);
}
END_TEST

/* Isolir holds on the fast path: garden and DNS only, the rest dropped. */
START_TEST(test_isolir_fast_path)
{
	struct tagih_cnt c;

	add_pfx("2001:db8:5:100::", 56, 6);
	ck_assert_uint_eq(v6h_get("2001:db8:5:1aa::"), 6);
	add_garden("2001:db8:ffff::53", 128, 53);
	add_garden("2001:db8:ffff:1::", 64, 0);	/* the portal */
	set_state(6, TAGIH_ST_ISOLIR);

	/* Allowed: DNS to the resolver, anything to the portal, replies. */
	send6(UP, "2001:db8:5:1aa::1", "2001:db8:ffff::53", IPPROTO_UDP,
	      5353, 53, 20, XDP_PASS);
	send6(UP, "2001:db8:5:1aa::1", "2001:db8:ffff:1::80", IPPROTO_TCP,
	      40000, 443, 0, XDP_PASS);
	send6(DOWN, "2001:db8:ffff::53", "2001:db8:5:1aa::1", IPPROTO_UDP, 53,
	      5353, 60, XDP_PASS);
	/* Dropped: the Internet, both ways, and port 443 on the resolver. */
	send6(UP, "2001:db8:5:1aa::1", GUEST, IPPROTO_TCP, 40000, 443, 0,
	      XDP_DROP);
	send6(UP, "2001:db8:5:1aa::1", "2001:db8:ffff::53", IPPROTO_TCP,
	      40000, 443, 0, XDP_DROP);
	send6(DOWN, GUEST, "2001:db8:5:1aa::1", IPPROTO_TCP, 443, 40000, 100,
	      XDP_DROP);

	c = cnt_sum(6);
	ck_assert_uint_eq(c.up_bytes, 68 + 60);
	ck_assert_uint_eq(c.up_pkts, 2);
	ck_assert_uint_eq(c.down_bytes, 108);
	ck_assert_uint_eq(c.down_pkts, 1);
	ck_assert_uint_eq(c.drop_up_bytes, 120);
	ck_assert_uint_eq(c.drop_up_pkts, 2);
	ck_assert_uint_eq(c.drop_down_bytes, 160);
	ck_assert_uint_eq(c.drop_down_pkts, 1);

	set_state(6, TAGIH_ST_ACTIVE);
	up("2001:db8:5:1aa::1");
	ck_assert_uint_eq(cnt_sum(6).up_pkts, 3);
}
END_TEST

/* Only differences are written; removals, moves and new marks heal. */
START_TEST(test_resync)
{
	add_pfx("2001:db8:6:100::", 56, 1);
	add_pfx("2001:db8:6:200::", 56, 2);
	ck_assert_uint_eq(vst.written, 256);

	ck_assert_int_eq(v6_resync(), 0);	/* nothing changed */
	ck_assert_uint_eq(vst.written, 0);
	ck_assert_uint_eq(vst.deleted, 0);
	ck_assert_uint_eq(vst.entries, 512);

	add_pfx("2001:db8:6:2ff::1", 128, 3);	/* one /64 to the trie */
	ck_assert_uint_eq(vst.written, 1);
	ck_assert_uint_eq(v6h_get("2001:db8:6:2ff::"), TAGIH_V6_TRIE);

	del_pfx(0);				/* the first /56 goes */
	ck_assert_uint_eq(vst.deleted, 256);
	ck_assert_uint_eq(vst.written, 0);
	ck_assert_uint_eq(v6h_count(), 256);
	ck_assert_uint_eq(send6(UP, "2001:db8:6:100::1", GUEST, IPPROTO_UDP,
				1, 2, 0, XDP_PASS), 48);
	assert_gstat(TAGIH_G_UNKNOWN_UP, 48, 1);

	/* A moved /56: same /64s, other owner. */
	ck_assert_uint_eq(v6pfx[1].len, 56);	/* del_pfx moved the /128 */
	del_pfx(1);				/* the second /56 ... */
	add_pfx("2001:db8:6:200::", 56, 5);	/* ... comes back as uid 5 */
	ck_assert_uint_eq(v6h_get("2001:db8:6:201::"), 5);
	ck_assert_uint_eq(v6h_get("2001:db8:6:2ff::"), TAGIH_V6_TRIE);

	/* Entries wiped by hand heal at the next sync. */
	v6h_set("2001:db8:6:201::", 9);
	v6h_set("2001:db8:7::", 9);
	ck_assert_int_eq(v6_resync(), 0);
	ck_assert_uint_eq(vst.written, 1);
	ck_assert_uint_eq(vst.deleted, 1);
	ck_assert_uint_eq(v6h_get("2001:db8:6:201::"), 5);
	up("2001:db8:6:201::1");
	assert_billed(5, 148, 1, 0, 0);
}
END_TEST

/* A full map: the /64s that do not fit are metered from the trie. */
START_TEST(test_full)
{
	reload(100);
	add_pfx("2001:db8:8:100::", 56, 1);
	ck_assert_uint_eq(vst.want, 256);
	ck_assert_uint_eq(vst.entries, 100);
	ck_assert_uint_eq(vst.trie_only, 156);
	ck_assert_uint_eq(v6h_get("2001:db8:8:100::"), 1);
	ck_assert_uint_eq(v6h_get("2001:db8:8:1ff::"), 0);

	up("2001:db8:8:100::1");	/* hash */
	up("2001:db8:8:1ff::1");	/* trie */
	assert_billed(1, 296, 2, 0, 0);

	/* A /128 inside a loaded /64: its mark still goes in when full. */
	add_pfx("2001:db8:8:105::7", 128, 2);
	ck_assert_uint_eq(v6h_get("2001:db8:8:105::"), TAGIH_V6_TRIE);
	up("2001:db8:8:105::7");
	assert_billed(2, 148, 1, 0, 0);
	assert_gstat(TAGIH_G_UNKNOWN_UP, 0, 0);
}
END_TEST

/* v6_hash_entries = 0: a one-entry map that is never painted. */
START_TEST(test_off)
{
	reload(TAGIH_V6H_OFF_ENTRIES);
	v6h_set("2001:db8:9::", 7);	/* left from before: cleared */
	add_pfx("2001:db8:9:100::", 56, 1);
	ck_assert_uint_eq(vst.max, 0);
	ck_assert_uint_eq(vst.want, 0);
	ck_assert_uint_eq(v6h_count(), 0);
	up("2001:db8:9:100::1");
	assert_billed(1, 148, 1, 0, 0);
}
END_TEST

/* --- the /64 direct-mapped table in front of the hash (tagih_v6dm) ---------- */

/* The /64 key of addr, as the meter and tagih_v6h64 see it. */
static __u64 v6key(const char *addr)
{
	__u8 a[16];
	__u64 key;

	ck_assert_int_eq(inet_pton(AF_INET6, addr, a), 1);
	memcpy(&key, a, sizeof(key));
	return key;
}

/* Writes the table's entry for the /64 of key: uid (0: an empty slot). */
static void v6dm_put(__u64 key, __u32 uid)
{
	__u64 h = tagih_v6dm_hash(key), e = uid ? tagih_v6dm_entry(h, uid) : 0;
	__u32 slot = tagih_v6dm_slot(h);

	ck_assert_int_eq(bpf_map__update_elem(skel->maps.tagih_v6dm, &slot,
					      sizeof(slot), &e, sizeof(e),
					      BPF_ANY), 0);
}

/* The address (as text) of the /64 whose key is key, host ::1 in it. */
static const char *v6addr(__u64 key, char *buf)
{
	__u8 a[16] = { 0 };

	memcpy(a, &key, sizeof(key));
	a[15] = 1;
	ck_assert_ptr_nonnull(inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN));
	return buf;
}

/* The table's uid for the /64 of addr as the meter reads it; 0 = empty. */
static __u32 v6dm_get(const char *addr)
{
	__u64 h = tagih_v6dm_hash(v6key(addr)), e;
	__u32 slot = tagih_v6dm_slot(h);

	ck_assert_int_eq(bpf_map__lookup_elem(skel->maps.tagih_v6dm, &slot,
					      sizeof(slot), &e, sizeof(e), 0),
			 0);
	return tagih_v6dm_match(e, h);
}

START_TEST(test_dm_painted)
{
	/*
	 * agent/maps/v6dm.c paints what the hash holds with a uid: a /64
	 * and each /64 of a /56 get their slot, a /64 that a /128 lands in
	 * loses it (the trie answers), a /64 that changes hands is
	 * repainted, a /64 removed is cleared; billing follows each time.
	 */
	paint_dm = true;
	add_pfx("2001:db8:d:1::", 64, 1);
	add_pfx("2001:db8:e::", 56, 2);
	ck_assert_uint_eq(v6dm_get("2001:db8:d:1::"), 1);
	ck_assert_uint_eq(v6dm_get("2001:db8:e:7::"), 2);
	ck_assert_uint_eq(vst.dm.entries, 1 + 256);
	add_pfx("2001:db8:d:1::77", 128, 3);
	ck_assert_uint_eq(v6dm_get("2001:db8:d:1::"), 0);
	up("2001:db8:d:1::77");
	assert_billed(3, 148, 1, 0, 0);
	up("2001:db8:d:1::1");
	assert_billed(1, 148, 1, 0, 0);
	del_pfx(2);				/* the /128 */
	ck_assert_uint_eq(v6dm_get("2001:db8:d:1::"), 1);
	del_pfx(0);				/* the /64 of uid 1 ... */
	add_pfx("2001:db8:d:1::", 64, 4);	/* ... now uid 4's */
	ck_assert_uint_eq(v6dm_get("2001:db8:d:1::"), 4);
	down("2001:db8:d:1::1");
	assert_billed(4, 0, 0, 1060, 1);
	assert_billed(1, 148, 1, 0, 0);
	del_pfx(0);		/* the /56 (moved to [0] by the delete above) */
	ck_assert_uint_eq(v6dm_get("2001:db8:e:7::"), 0);
	ck_assert_uint_eq(vst.dm.entries, 1);
	paint_dm = false;
}
END_TEST

START_TEST(test_dm_first)
{
	/*
	 * The table is asked before the hash: a uid planted there (never
	 * what a painter writes) wins; an emptied slot gives the hash back.
	 */
	__u64 k = v6key("2001:db8:a:1::");

	add_pfx("2001:db8:a:1::", 64, 1);
	v6dm_put(k, 2);
	up("2001:db8:a:1::1");
	assert_billed(2, 148, 1, 0, 0);
	v6dm_put(k, 1);
	down("2001:db8:a:1::9");
	assert_billed(1, 0, 0, 1060, 1);
	v6dm_put(k, 0);
	up("2001:db8:a:1::1");
	assert_billed(1, 148, 1, 1060, 1);
	assert_billed(2, 148, 1, 0, 0);
}
END_TEST

START_TEST(test_dm_same_slot)
{
	/*
	 * Two /64s in one slot: the entry's tag tells them apart, so the one
	 * not painted is answered by the hash, never given the other's uid.
	 * k2 = h2 / MUL with h2 = h1 ^ 1: same top bits (slot), other tag.
	 */
	__u64 k1 = v6key("2001:db8:b:1::"), h1 = tagih_v6dm_hash(k1), inv, k2;
	char a2[INET6_ADDRSTRLEN], p2[INET6_ADDRSTRLEN];
	int i;

	for (inv = TAGIH_V6DM_MUL, i = 0; i < 5; i++)	/* Newton: 1/MUL */
		inv *= 2 - TAGIH_V6DM_MUL * inv;
	ck_assert(inv * TAGIH_V6DM_MUL == 1);
	k2 = (h1 ^ 1) * inv;
	ck_assert_uint_eq(tagih_v6dm_slot(tagih_v6dm_hash(k2)),
			  tagih_v6dm_slot(h1));
	ck_assert(k2 != k1);
	v6addr(k2, a2);
	strcpy(p2, a2);
	p2[strlen(p2) - 1] = '\0';	/* "...::1" -> "...::" */

	add_pfx("2001:db8:b:1::", 64, 1);
	add_pfx(p2, 64, 3);
	v6dm_put(k1, 1);
	up("2001:db8:b:1::1");
	up(a2);
	assert_billed(1, 148, 1, 0, 0);
	assert_billed(3, 148, 1, 0, 0);
	/* The other way round: k2 painted, k1 from the hash. */
	v6dm_put(k2, 3);
	up("2001:db8:b:1::1");
	up(a2);
	assert_billed(1, 296, 2, 0, 0);
	assert_billed(3, 296, 2, 0, 0);
}
END_TEST

START_TEST(test_dm_entry_encoding)
{
	/* uid 0 with a matching tag is no answer; TAGIH_V6DM_MAX_UID is. */
	__u64 h = tagih_v6dm_hash(v6key("2001:db8:c:1::"));

	ck_assert_uint_eq(tagih_v6dm_match(tagih_v6dm_entry(h, 0), h), 0);
	ck_assert_uint_eq(tagih_v6dm_match(tagih_v6dm_entry(h, 7), h), 7);
	ck_assert_uint_eq(tagih_v6dm_match(tagih_v6dm_entry(h, 7), h ^ 1), 0);
	/* Any other hash of the same slot differs in the tag. */
	ck_assert_uint_eq(tagih_v6dm_match(tagih_v6dm_entry(h, 7),
					   h ^ (1ULL << (63 - TAGIH_V6DM_BITS))),
			  0);
	ck_assert_uint_eq(tagih_v6dm_match(tagih_v6dm_entry(h,
							    TAGIH_V6DM_MAX_UID),
					   h), TAGIH_V6DM_MAX_UID);
	ck_assert_uint_eq(tagih_v6dm_match(0, h), 0);
}
END_TEST

/* A one-entry table is "off": everything is answered by the hash. */
START_TEST(test_dm_off)
{
	teardown();
	ck_assert_int_eq(bpffix_load(&skel, "tagih_v6dm",
				     TAGIH_V6DM_OFF_ENTRIES), 0);
	add_pfx("2001:db8:d:1::", 64, 1);
	up("2001:db8:d:1::1");
	down("2001:db8:d:1::2");
	assert_billed(1, 148, 1, 1060, 1);
}
END_TEST

static Suite *v6_suite(void)
{
	Suite *s = suite_create("bpf_v6");
	TCase *tc = tcase_create("v6h64");
	TCase *td = tcase_create("v6dm");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hit_64);
	tcase_add_test(tc, test_hit_56);
	tcase_add_test(tc, test_128_in_painted_64);
	tcase_add_test(tc, test_48_trie_only);
	tcase_add_test(tc, test_miss_unknown);
	tcase_add_test(tc, test_isolir_fast_path);
	tcase_add_test(tc, test_resync);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_off);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(td, setup, teardown);
	tcase_add_test(td, test_dm_painted);
	tcase_add_test(td, test_dm_first);
	tcase_add_test(td, test_dm_same_slot);
	tcase_add_test(td, test_dm_entry_encoding);
	tcase_add_test(td, test_dm_off);
	suite_add_tcase(s, td);
	return s;
}

int main(void)
{
	return bpffix_main(v6_suite);
}
