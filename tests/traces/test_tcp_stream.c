/* DNS over TCP: messages split over segments, merged in one, retransmitted, out of order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "traces/tcp_stream.h"

struct seen {
	int count;
	size_t lens[16];
	uint8_t first[16];
	int64_t times[16];
};

static int on_message(void *ctx, int64_t t, const struct decoded_packet *m)
{
	struct seen *s = ctx;
	s->lens[s->count] = m->payload_len;
	s->first[s->count] = m->payload_len ? m->payload[0] : 0;
	s->times[s->count] = t;
	s->count++;
	return 0;
}

static struct decoded_packet segment(uint32_t seq, uint8_t flags, const uint8_t *data, size_t len)
{
	struct decoded_packet p = { .src = { .family = 4, .addr = { 10, 0, 0, 1 } },
		                    .dst = { .family = 4, .addr = { 10, 0, 0, 53 } },
		                    .sport = 40000, .dport = 53, .payload = data, .payload_len = len,
		                    .tcp_seq = seq, .tcp_flags = flags };
	return p;
}

static void test_framing(void **state)
{
	(void)state;
	/* Three messages: 5 bytes (0xA.), 3 bytes (0xB.), 4 bytes (0xC.), length-prefixed. */
	const uint8_t stream[] = { 0, 5, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0, 3, 0xB1, 0xB2, 0xB3,
		                   0, 4, 0xC1, 0xC2, 0xC3, 0xC4 };
	struct tcp_streams *s;
	struct seen seen = { 0 };
	assert_int_equal(tcp_streams_new(&s), 0);
	struct decoded_packet p = segment(1000, TCP_SYN, NULL, 0);
	assert_int_equal(tcp_streams_feed(s, 1, &p, on_message, &seen), TCP_CONTROL);
	/* The first message split in two; then the rest of it plus all of the second. */
	p = segment(1001, 0, stream, 4);
	assert_int_equal(tcp_streams_feed(s, 2, &p, on_message, &seen), TCP_DATA);
	assert_int_equal(seen.count, 0);
	p = segment(1005, 0, stream + 4, 8);
	assert_int_equal(tcp_streams_feed(s, 3, &p, on_message, &seen), TCP_DATA);
	assert_int_equal(seen.count, 2);
	/* A retransmission of bytes already taken. */
	p = segment(1001, 0, stream, 4);
	assert_int_equal(tcp_streams_feed(s, 4, &p, on_message, &seen), TCP_RETRANSMISSION);
	/* The last message's tail arrives before its head: held, then both taken. */
	p = segment(1015, 0, stream + 14, 4);
	assert_int_equal(tcp_streams_feed(s, 5, &p, on_message, &seen), TCP_HELD);
	p = segment(1013, 0, stream + 12, 2);
	assert_int_equal(tcp_streams_feed(s, 6, &p, on_message, &seen), TCP_DATA);
	assert_int_equal(seen.count, 3);
	const size_t lens[] = { 5, 3, 4 };
	const uint8_t first[] = { 0xA1, 0xB1, 0xC1 };
	const int64_t times[] = { 3, 3, 6 };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(seen.lens[i], lens[i]);
		assert_int_equal(seen.first[i], first[i]);
		assert_int_equal(seen.times[i], times[i]);
	}
	/* A connection caught in the middle (no SYN) is followed from its first segment. */
	struct decoded_packet q = segment(77, 0, stream + 7, 5);
	q.sport = 40001;
	assert_int_equal(tcp_streams_feed(s, 7, &q, on_message, &seen), TCP_DATA);
	assert_int_equal(seen.count, 4);
	assert_int_equal(seen.first[3], 0xB1);
	/* RST forgets what was buffered. */
	q = segment(82, 0, stream, 3);
	q.sport = 40001;
	assert_int_equal(tcp_streams_feed(s, 8, &q, on_message, &seen), TCP_DATA);
	q = segment(85, TCP_RST, NULL, 0);
	q.sport = 40001;
	assert_int_equal(tcp_streams_feed(s, 9, &q, on_message, &seen), TCP_CONTROL);
	assert_int_equal(seen.count, 4);
	tcp_streams_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_framing) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
