/* IP reassembly: exact results for in-order, out-of-order, duplicate, bad and expired fragments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "traces/ip_reasm.h"

static uint8_t datagram[4000];

static struct decoded_packet frag(uint32_t id, uint32_t offset, size_t len, int more)
{
	struct decoded_packet f;
	memset(&f, 0, sizeof(f));
	f.src.family = f.dst.family = 4;
	f.src.addr[0] = 192, f.dst.addr[0] = 10;
	f.frag_id = id;
	f.frag_offset = offset;
	f.frag_more = (uint8_t)more;
	f.frag_proto = 17;
	f.payload = offset < sizeof(datagram) ? datagram + offset : datagram;
	f.payload_len = len;
	return f;
}

static void test_reassembly(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(datagram); i++)
		datagram[i] = (uint8_t)(i * 7);
	struct ip_reasm *r;
	assert_int_equal(ip_reasm_new(&r), 0);
	struct reasm_datagram d;
	struct decoded_packet a = frag(1, 0, 1480, 1), b = frag(1, 1480, 1480, 1), c = frag(1, 2960, 40, 0);
	/* Out of order, with a duplicate: whole at the third distinct fragment, bytes intact. */
	assert_int_equal(ip_reasm_feed(r, 0, &c, &d), REASM_HELD);
	assert_int_equal(ip_reasm_feed(r, 1, &a, &d), REASM_HELD);
	assert_int_equal(ip_reasm_feed(r, 2, &a, &d), REASM_DUPLICATE);
	assert_int_equal(ip_reasm_feed(r, 3, &b, &d), REASM_COMPLETE);
	assert_int_equal(d.len, 3000);
	assert_int_equal(d.fragments, 3);
	assert_int_equal(d.proto, 17);
	assert_memory_equal(d.data, datagram, 3000);
	/* Another identification is another datagram; the table is empty again. */
	assert_int_equal(ip_reasm_expire(r, INT64_MAX), 0);
	struct decoded_packet x = frag(2, 0, 1480, 1);
	assert_int_equal(ip_reasm_feed(r, 10, &x, &d), REASM_HELD);
	/* Bad: a middle fragment not a multiple of 8; beyond 65,535 bytes; data past the end. */
	struct decoded_packet odd = frag(2, 1480, 100, 1), big = frag(3, 65528, 16, 0);
	assert_int_equal(ip_reasm_feed(r, 11, &odd, &d), REASM_BAD);
	big.payload = datagram;
	assert_int_equal(ip_reasm_feed(r, 12, &big, &d), REASM_BAD);
	struct decoded_packet end = frag(2, 800, 8, 0); /* ends before bytes already received */
	assert_int_equal(ip_reasm_feed(r, 13, &end, &d), REASM_BAD);
	/* Expired after 30 s of capture time: its one fragment counted. */
	assert_int_equal(ip_reasm_expire(r, 10 + IP_REASM_TIMEOUT_NS), 0);
	assert_int_equal(ip_reasm_expire(r, 11 + IP_REASM_TIMEOUT_NS), 1);
	assert_int_equal(ip_reasm_expire(r, INT64_MAX), 0);
	ip_reasm_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reassembly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
