/*
 * dnstap — a resolver's own log of the DNS messages it received and sent (Unbound, BIND, Knot
 * Resolver, PowerDNS), as a Frame Streams file of protobuf "dnstap.Dnstap" frames, into
 * queries and record-model responses.
 *
 * CLIENT_QUERY and RESOLVER_QUERY frames carry queries (a client's to the resolver, the
 * resolver's own to authorities), CLIENT_RESPONSE and RESOLVER_RESPONSE frames responses; the
 * DNS messages inside are read as a capture's are (traces/import.c, import_dns_message). Every
 * data frame read ends in exactly one accounting line; frames of other kinds (AUTH_*,
 * FORWARDER_*, STUB_*, TOOL_*, UPDATE_*) are counted as skipped.dnstap.<type>.
 */
#ifndef SHARESIM_DNSTAP_H
#define SHARESIM_DNSTAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct import_ctx;

/** The Frame Streams content type of dnstap. */
#define DNSTAP_CONTENT_TYPE "protobuf:dnstap.Dnstap"

/** Largest data frame read (bytes): two 64 KiB DNS messages and their envelope fit easily. */
#define DNSTAP_MAX_FRAME (1u << 20)

/**
 * 1 if an input's first bytes (at least 12) start a Frame Streams file: a zero escape, then a
 * control frame of a plausible length whose type is START. Which content type it declares is
 * checked by dnstap_import, which names it when it is not DNSTAP_CONTENT_TYPE.
 */
int dnstap_detect(const uint8_t *head, size_t len);

/**
 * Import the dnstap file read from f (closed here), name labelling messages. Several Frame
 * Streams one after the other (files concatenated) are read in turn. A file cut short, or
 * ending without its STOP frame, keeps what was read and is reported as a warning with the
 * byte offset (and counted as error.truncated_capture); a file that is not Frame Streams, or
 * whose framing is damaged, is refused with the byte offset. digest gives the SHA-256 of the
 * content once read, for the provenance line.
 */
int dnstap_import(const struct import_ctx *ctx, FILE *f, const char *name,
                  void (*digest)(void *, char[65]), void *digest_arg, char *err, size_t err_size);

#endif
