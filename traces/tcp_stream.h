/*
 * tcp_stream — DNS over TCP (RFC 7766): segments of each direction of a connection put back in
 * order, and the two-byte length framing cut into messages, however they were split or merged.
 * Retransmitted bytes are dropped; a segment beyond a gap is held until the gap fills (up to a
 * bound); a connection seen without its SYN is followed from its first segment.
 */
#ifndef SHARESIM_TCP_STREAM_H
#define SHARESIM_TCP_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "traces/pcap_decode.h"

struct tcp_streams;

/** Per-segment outcomes, for the import's accounting. */
enum tcp_outcome { TCP_DATA = 0, TCP_CONTROL, TCP_RETRANSMISSION, TCP_HELD, TCP_DROPPED };
const char *tcp_outcome_name(enum tcp_outcome o);

/** Called with each complete DNS message (in seg->payload), at the time of the segment ending it. */
typedef int (*tcp_message_fn)(void *ctx, int64_t time_ns, const struct decoded_packet *message);

int tcp_streams_new(struct tcp_streams **out);
void tcp_streams_free(struct tcp_streams *s);

/** Feed one segment (a PKT_TCP_DNS decode); returns its outcome, or -1 on allocation failure
 *  or when fn fails. */
int tcp_streams_feed(struct tcp_streams *s, int64_t time_ns, const struct decoded_packet *seg,
                     tcp_message_fn fn, void *ctx);

#endif
