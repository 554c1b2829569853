/* SPDX-License-Identifier: GPL-2.0 */
/* mailbox.h - is this text one SMTP mailbox (RFC 5321), safe to put in MAIL/RCPT and To:? */
#ifndef TAGIH_MAILBOX_H
#define TAGIH_MAILBOX_H

/*
 * The Mailbox of RFC 5321 section 4.1.2, ASCII only (no SMTPUTF8):
 *   Local-part "@" ( Domain / address-literal )
 *   Local-part: Dot-string (atoms of letters, digits and
 *     !#$%&'*+-/=?^_`{|}~ joined by single dots) or a Quoted-string
 *     (printable ASCII; '\' quotes one printable character);
 *   Domain: labels of letters, digits and '-' (not at either end),
 *     joined by dots; address-literal: [IPv4] or [IPv6:...].
 * Local-part at most 64 octets, domain at most 255, the whole at most
 * 254 (a path of 256 with its <>). CR, LF, any control character, '<',
 * '>', spaces outside quotes and non-ASCII are refused wherever they
 * are: the address goes between <> on an SMTP command line, where a
 * line break would start another command (a hidden recipient).
 *
 * Returns 0 or -EINVAL with *why (if given) set to a static reason that
 * never quotes the address (it is personal data).
 */
int mailbox_check(const char *s, const char **why);

#endif
