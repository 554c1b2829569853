// SPDX-License-Identifier: GPL-2.0
/* ifinfo.c - what kind of device an interface is, asked over rtnetlink in the agent's own network namespace. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "agent/ifinfo.h"

static void copy_str(char *dst, size_t n, const struct rtattr *a)
{
	size_t len = RTA_PAYLOAD(a);
	const char *s = RTA_DATA(a);

	if (!n)
		return;
	if (len && s[len - 1] == '\0')
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static void parse_linkinfo(const struct rtattr *li, char *kind, size_t klen,
			   char *slave, size_t slen)
{
	int len = RTA_PAYLOAD(li);
	const struct rtattr *a;

	for (a = RTA_DATA(li); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == IFLA_INFO_KIND)
			copy_str(kind, klen, a);
		else if (a->rta_type == IFLA_INFO_SLAVE_KIND)
			copy_str(slave, slen, a);
	}
}

int ifinfo_kinds(const char *iface, char *kind, size_t klen, char *slave,
		 size_t slen)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1 },
		.ifi = { .ifi_family = AF_UNSPEC },
	};
	char buf[16384];
	struct nlmsghdr *nh;
	struct rtattr *a;
	int fd, ifindex, len, alen, err = -ENOENT;

	if (klen)
		*kind = '\0';
	if (slen)
		*slave = '\0';
	ifindex = if_nametoindex(iface);
	if (!ifindex)
		return -errno;
	req.ifi.ifi_index = ifindex;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		err = -errno;
		goto out;
	}
	len = recv(fd, buf, sizeof(buf), 0);
	if (len < 0) {
		err = -errno;
		goto out;
	}
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (unsigned)len);
	     nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			err = e->error ? e->error : -ENOENT;
			break;
		}
		if (nh->nlmsg_type != RTM_NEWLINK)
			continue;
		alen = IFLA_PAYLOAD(nh);
		for (a = IFLA_RTA(NLMSG_DATA(nh)); RTA_OK(a, alen);
		     a = RTA_NEXT(a, alen))
			if (a->rta_type == IFLA_LINKINFO)
				parse_linkinfo(a, kind, klen, slave, slen);
		err = 0;
		break;
	}
out:
	close(fd);
	return err;
}
