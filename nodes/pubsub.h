/*
 * pubsub — sharing by publish/subscribe through a relay, in the style of Media over QUIC
 * Transport (Engelbart et al., HotNets 2025; framing of draft-ietf-moq-transport-11).
 *
 * Mapping (P-MAP): one track per (name, type, class), names case-folded, so every request for
 * the same record matches the same subscription; an answer is an object on its track whose
 * payload is the TSIG-signed share message (the draft's authentication, end to end through the
 * relay, which does not look inside objects). Subscriptions (pubsub.subscribe):
 *   all       every resolver subscribes to the whole namespace at start;
 *   interest  a resolver subscribes to the track of every name its clients ask for and drops a
 *             subscription idle for pubsub.idle_timeout seconds (P-CLEAN).
 * Each resolver holds one QUIC session to the relay, set up on first use: QUIC's handshake and
 * MoQT's CLIENT_SETUP/SERVER_SETUP take two round trips, and objects wait for them.
 * Relay counters are attributed to the resolver whose object caused them.
 */
#ifndef SHARESIM_PUBSUB_H
#define SHARESIM_PUBSUB_H

#include <stddef.h>
#include <stdint.h>

#include "sim/time.h"

struct resolver_net;

/* Sizes in bytes, from the documents named. */
#define QUIC_SHORT_HEADER 11   /* RFC 9000 17.3.1: flags 1, 8-byte connection id, 2-byte packet number */
#define QUIC_AEAD_TAG 16       /* RFC 9001 5.3: AEAD_AES_128_GCM */
#define QUIC_DATAGRAM_FRAME 3  /* RFC 9221 4: type 0x31, 2-byte length */
#define QUIC_STREAM_FRAME 6    /* RFC 9000 19.8: type, stream id, 2-byte offset, 2-byte length */
#define MOQT_OBJECT_DATAGRAM 7 /* moq-transport-11 9.2: type, alias (2), group (2), object (1), priority */
#define MOQT_SUBSCRIBE 24      /* moq-transport-11 6.4, plus the track name: type, length, ids, filter */
#define MOQT_SUBSCRIBE_OK 12   /* moq-transport-11 6.5 */
#define MOQT_UNSUBSCRIBE 5     /* moq-transport-11 6.6 */
#define QUIC_HANDSHAKE_BYTES 4800 /* RFC 9000 14.1: 2 Initials padded to 1200 each way, plus
                                   * Handshake with a ~1.2 kB certificate chain; MoQT setup 2x40 */

int pubsub_init(struct resolver_net *n, char *err, size_t err_size);
void pubsub_free(struct resolver_net *n);

/** A resolver starts: with whole-namespace subscriptions, it opens its session and subscribes. */
void pubsub_join(struct resolver_net *n, uint32_t node, sim_time now);

/** Bytes on the wire around an object payload: IP, UDP, QUIC and MoQT framing. */
size_t pubsub_object_overhead(int ip_version);

/** A client query for key at node: keep the node's subscription to its track (interest mode). */
int pubsub_on_query(struct resolver_net *n, uint32_t node, sim_time now, uint64_t key);

/** Publish share buffer bi as an object on key's track; reaches the relay one link later. */
int pubsub_publish(struct resolver_net *n, uint32_t node, sim_time now, uint64_t key, uint32_t bi);

/** The object of publication arg reaches relay `relay`: forward it to the subscribers attached
 * there and to the neighbouring relays of the tree but the one it came from. */
int pubsub_relay(struct resolver_net *n, uint32_t relay, sim_time now, uint64_t arg);

/** pubsub.push: schedule the first change of every (name, type) the trace asks that changes. */
int pubsub_push_start(struct resolver_net *n, char *err, size_t err_size);
/** A record changes (event argument: its index): the authority publishes the new answer. */
int pubsub_push_change(struct resolver_net *n, sim_time now, uint64_t arg);

/** End of run: account the unsubscriptions of subscriptions that went idle. */
void pubsub_finish(struct resolver_net *n, sim_time end);

#endif
