/*
 * dns_differential — dns_wire against ldns_wire2pkt (ldns 1.8.3) on the same bytes.
 *
 * Two passes. The walk reads the message record by record with dns_name_read/dns_rr_read and
 * asks ldns_wire2rr to read the record at the same offset: it finds where ldns and we part
 * (a record one reads and the other rejects, or ends elsewhere) and why. Then, when the two
 * parsers both accept (or we reject only trailing bytes), every field of ldns_wire2pkt's
 * packet is compared with ours. Every legitimate difference is decided in verdict() below,
 * each with its reason; anything not explained there is DNS_DIFF_DISAGREE.
 */
#include "dns_differential.h"

#include <ldns/ldns.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/dns_wire.h"

/* ldns 1.8.3 leaks the first TSIG RR of a message that has two of them (ldns_pkt_set_tsig
 * overwrites the pointer without freeing it): not ours to fix, so LeakSanitizer is told. The
 * unwinder stops inside libldns (built without frame pointers), so the allocating function is
 * all a suppression can name: the RR (ldns_rr_new) and its owner name and RDATA fields. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:ldns_rr_new\nleak:ldns_rdf_new_frm_data\nleak:ldns_rdf_new\n";
}

/* ldns keeps no Z bit (0x0040 of the flags word): it is left out of the flag comparison. */
#define FLAG_Z 0x0040u

static int differ(struct dns_diff_result *out, const char *fmt, ...)
{
	if (!out->why[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(out->why, sizeof(out->why), fmt, ap);
		va_end(ap);
	}
	return 1;
}

/* What the record-by-record walk found. */
struct walk {
	int ours_failed;     /* a name or record we could not read: status in ours_rc */
	int ours_rc;
	int bad_pointer;     /* ours_rc is DNS_EPTR on a record that ldns reads whole */
	int ldns_diverged;   /* ldns rejects a record's RDATA we read, or ends it elsewhere */
	int opt_bad;         /* an OPT outside the additional section, a second one, or not at the root */
	int tsig_bad;        /* a TSIG that is not the last record */
	int mismatch;        /* anything else: a disagreement (why in the result) */
	size_t end;          /* where the last record ends, if every record was read */
};

static const char *const section_names[] = { "question", "answer", "authority", "additional" };
static const ldns_pkt_section ldns_sections[] = { LDNS_SECTION_QUESTION, LDNS_SECTION_ANSWER,
	                                           LDNS_SECTION_AUTHORITY, LDNS_SECTION_ADDITIONAL };

/* Our read failed with rc where ldns's read of the same bytes gave ldns_ok. */
static void our_failure(struct walk *w, int rc, int ldns_ok, struct dns_diff_result *out,
                        int section, unsigned i)
{
	w->ours_failed = 1;
	w->ours_rc = rc;
	if (!ldns_ok)
		return; /* both reject this record */
	if (rc == DNS_EPTR)
		w->bad_pointer = 1;
	else
		w->mismatch = differ(out, "%s %u: we reject it (%s), ldns reads it", section_names[section],
		                     i, dns_strerror(rc));
}

static void walk_questions(const uint8_t *wire, size_t len, unsigned count, size_t *pos,
                           struct walk *w, struct dns_diff_result *out)
{
	for (unsigned i = 0; i < count && !w->ours_failed && !w->mismatch; i++) {
		size_t p = *pos, lp = *pos;
		uint8_t name[DNS_NAME_MAX], name_len;
		int rc = dns_name_read(wire, len, &p, name, &name_len);
		if (rc == DNS_OK && p + 4 > len)
			rc = DNS_ETRUNC;
		ldns_rr *lr = NULL;
		ldns_status st = ldns_wire2rr(&lr, wire, len, &lp, LDNS_SECTION_QUESTION);
		if (rc != DNS_OK)
			our_failure(w, rc, st == LDNS_STATUS_OK, out, 0, i);
		else if (st != LDNS_STATUS_OK)
			w->mismatch = differ(out, "question %u: ldns rejects it (%s), we read it", i,
			                     ldns_get_errorstr_by_id(st));
		else if (lp != p + 4)
			w->mismatch = differ(out, "question %u: ends at %zu for ldns, %zu for us", i, lp, p + 4);
		ldns_rr_free(lr);
		*pos = p + 4;
	}
}

/* The records of the three sections after the question. */
static void walk_records(const uint8_t *wire, size_t len, const struct dns_header *h, size_t *pos,
                         struct walk *w, struct dns_diff_result *out)
{
	unsigned counts[4] = { 0, h->ancount, h->nscount, h->arcount };
	int opts = 0;
	for (int s = 1; s <= 3; s++)
		for (unsigned i = 0; i < counts[s]; i++) {
			if (w->ours_failed || w->mismatch || w->ldns_diverged)
				return;
			size_t p = *pos, lp = *pos;
			struct dns_rr rr;
			int rc = dns_rr_read(wire, len, &p, &rr);
			ldns_rr *lr = NULL;
			ldns_status st = ldns_wire2rr(&lr, wire, len, &lp, ldns_sections[s]);
			ldns_rr_free(lr);
			if (rc != DNS_OK) {
				our_failure(w, rc, st == LDNS_STATUS_OK, out, s, i);
				return;
			}
			if (st != LDNS_STATUS_OK || lp != p) {
				/* ldns parts from us inside this record. That is its RDATA schema only if it
				 * reads the owner and the fixed fields as we do: same name, same end. */
				size_t op = *pos;
				ldns_rdf *owner = NULL;
				ldns_status ost = ldns_wire2dname(&owner, wire, len, &op);
				if (ost != LDNS_STATUS_OK || op + 10 != rr.rdata_off ||
				    ldns_rdf_size(owner) != rr.owner_len ||
				    memcmp(ldns_rdf_data(owner), rr.owner, rr.owner_len))
					w->mismatch = differ(out, "%s %u: ldns reads the owner name otherwise",
					                     section_names[s], i);
				else
					w->ldns_diverged = 1;
				ldns_rdf_deep_free(owner);
				return;
			}
			if (rr.type == DNS_TYPE_OPT && (s != 3 || ++opts > 1 || rr.owner_len != 1))
				w->opt_bad = 1;
			if (rr.type == DNS_TYPE_TSIG && (s != 3 || i + 1 != counts[3]))
				w->tsig_bad = 1;
			*pos = p;
		}
	w->end = *pos;
}

static void walk(const uint8_t *wire, size_t len, struct walk *w, struct dns_diff_result *out)
{
	memset(w, 0, sizeof(*w));
	struct dns_header h;
	int rc = dns_header_read(wire, len, &h);
	if (rc != DNS_OK) {
		w->ours_failed = 1;
		w->ours_rc = rc;
		return;
	}
	size_t pos = DNS_HEADER_SIZE;
	walk_questions(wire, len, h.qdcount, &pos, w, out);
	if (!w->ours_failed && !w->mismatch)
		walk_records(wire, len, &h, &pos, w, out);
}

static int compare_rr(const struct dns_rr *rr, const ldns_rr *lr, const char *section, unsigned i,
                      struct dns_diff_result *out)
{
	const ldns_rdf *owner = ldns_rr_owner(lr);
	if (!owner || ldns_rdf_size(owner) != rr->owner_len ||
	    memcmp(ldns_rdf_data(owner), rr->owner, rr->owner_len))
		return differ(out, "%s %u: owner names differ", section, i);
	if (ldns_rr_get_type(lr) != rr->type)
		return differ(out, "%s %u: type %u for ldns, %u for us", section, i,
		              (unsigned)ldns_rr_get_type(lr), rr->type);
	if (ldns_rr_get_class(lr) != rr->rclass)
		return differ(out, "%s %u: class %u for ldns, %u for us", section, i,
		              (unsigned)ldns_rr_get_class(lr), rr->rclass);
	if (ldns_rr_ttl(lr) != rr->ttl)
		return differ(out, "%s %u: TTL %u for ldns, %u for us", section, i,
		              (unsigned)ldns_rr_ttl(lr), rr->ttl);
	/* rdlength: the walk has checked that ldns ends the record where rdlength says. */
	return 0;
}

static int compare_header(const struct dns_msg *m, const ldns_pkt *pkt, struct dns_diff_result *out)
{
	unsigned lflags = (ldns_pkt_qr(pkt) ? DNS_FLAG_QR : 0) | (unsigned)ldns_pkt_get_opcode(pkt) << 11 |
	                  (ldns_pkt_aa(pkt) ? DNS_FLAG_AA : 0) | (ldns_pkt_tc(pkt) ? DNS_FLAG_TC : 0) |
	                  (ldns_pkt_rd(pkt) ? DNS_FLAG_RD : 0) | (ldns_pkt_ra(pkt) ? DNS_FLAG_RA : 0) |
	                  (ldns_pkt_ad(pkt) ? DNS_FLAG_AD : 0) | (ldns_pkt_cd(pkt) ? DNS_FLAG_CD : 0) |
	                  ldns_pkt_get_rcode(pkt);
	if (ldns_pkt_id(pkt) != m->hdr.id)
		return differ(out, "id %u for ldns, %u for us", ldns_pkt_id(pkt), m->hdr.id);
	if (lflags != (m->hdr.flags & ~FLAG_Z))
		return differ(out, "flags %04x for ldns, %04x for us", lflags, m->hdr.flags & ~FLAG_Z);
	if (DNS_OPCODE(m->hdr.flags) != (unsigned)ldns_pkt_get_opcode(pkt) ||
	    DNS_RCODE(m->hdr.flags) != ldns_pkt_get_rcode(pkt))
		return differ(out, "opcode or rcode differ");
	if (ldns_pkt_qdcount(pkt) != m->hdr.qdcount || ldns_pkt_ancount(pkt) != m->hdr.ancount ||
	    ldns_pkt_nscount(pkt) != m->hdr.nscount)
		return differ(out, "counts %u/%u/%u for ldns, %u/%u/%u for us", ldns_pkt_qdcount(pkt),
		              ldns_pkt_ancount(pkt), ldns_pkt_nscount(pkt), m->hdr.qdcount, m->hdr.ancount,
		              m->hdr.nscount);
	/* ldns takes OPT and TSIG out of the additional section and its count. */
	unsigned ar = ldns_pkt_arcount(pkt) + pkt->_edns_present + (ldns_pkt_tsig(pkt) ? 1u : 0u);
	if (ar != m->hdr.arcount)
		return differ(out, "arcount %u for ldns (OPT and TSIG added back), %u for us", ar,
		              m->hdr.arcount);
	return 0;
}

static int compare_opt(const struct dns_rr *rr, const struct dns_msg *m, const ldns_pkt *pkt,
                       struct dns_diff_result *out)
{
	if (pkt->_edns_present != 1)
		return differ(out, "ldns found %u OPT records, we found one", pkt->_edns_present);
	if (ldns_pkt_edns_udp_size(pkt) != m->edns_udp_size || m->edns_udp_size != rr->rclass ||
	    ldns_pkt_edns_extended_rcode(pkt) != (rr->ttl >> 24) ||
	    ldns_pkt_edns_version(pkt) != m->edns_version || m->edns_version != (uint8_t)(rr->ttl >> 16) ||
	    ldns_pkt_edns_z(pkt) != (rr->ttl & 0xffffu) || (ldns_pkt_edns_do(pkt) ? 1 : 0) != m->edns_do)
		return differ(out, "OPT fields differ");
	return 0;
}

/* Every field of ldns's packet against ours (message m read whole, up to trailing bytes). */
static int compare_packet(const uint8_t *wire, size_t len, const struct dns_msg *m,
                          const ldns_pkt *pkt, struct dns_diff_result *out)
{
	if (compare_header(m, pkt, out))
		return 1;
	size_t pos = m->question_off;
	const ldns_rr_list *ql = ldns_pkt_question(pkt);
	if (ldns_rr_list_rr_count(ql) != m->hdr.qdcount)
		return differ(out, "ldns holds %zu questions", ldns_rr_list_rr_count(ql));
	for (unsigned i = 0; i < m->hdr.qdcount; i++) {
		struct dns_rr q;
		memset(&q, 0, sizeof(q));
		if (dns_name_read(wire, len, &pos, q.owner, &q.owner_len) != DNS_OK)
			return differ(out, "question %u: our second read fails", i);
		q.type = (uint16_t)(wire[pos] << 8 | wire[pos + 1]);
		q.rclass = (uint16_t)(wire[pos + 2] << 8 | wire[pos + 3]);
		pos += 4;
		const ldns_rr *lr = ldns_rr_list_rr(ql, i);
		q.ttl = ldns_rr_ttl(lr); /* a question has none */
		if (compare_rr(&q, lr, "question", i, out))
			return 1;
		if (i == 0 && (q.owner_len != m->qname_len || memcmp(q.owner, m->qname, q.owner_len) ||
		               q.type != m->qtype || q.rclass != m->qclass))
			return differ(out, "dns_msg_parse's question differs from dns_name_read's");
	}
	const ldns_rr_list *lists[4] = { NULL, ldns_pkt_answer(pkt), ldns_pkt_authority(pkt),
		                         ldns_pkt_additional(pkt) };
	unsigned counts[4] = { 0, m->hdr.ancount, m->hdr.nscount, m->hdr.arcount };
	pos = m->answer_off;
	int seen_opt = 0, seen_tsig = 0;
	for (int s = 1; s <= 3; s++) {
		size_t j = 0; /* index in ldns's list: OPT and TSIG are not there */
		for (unsigned i = 0; i < counts[s]; i++) {
			struct dns_rr rr;
			if (dns_rr_read(wire, len, &pos, &rr) != DNS_OK)
				return differ(out, "%s %u: our second read fails", section_names[s], i);
			if (s == 3 && rr.type == DNS_TYPE_OPT) {
				seen_opt = 1;
				if (rr.start_off != m->opt_off || compare_opt(&rr, m, pkt, out))
					return differ(out, "OPT differs");
				continue;
			}
			if (s == 3 && rr.type == DNS_TYPE_TSIG) {
				seen_tsig = 1;
				if (!ldns_pkt_tsig(pkt) || rr.start_off != m->tsig_off)
					return differ(out, "TSIG found by us, not by ldns");
				if (compare_rr(&rr, ldns_pkt_tsig(pkt), "TSIG", 0, out))
					return 1;
				continue;
			}
			if (j >= ldns_rr_list_rr_count(lists[s]))
				return differ(out, "%s: ldns holds fewer records", section_names[s]);
			if (compare_rr(&rr, ldns_rr_list_rr(lists[s], j++), section_names[s], i, out))
				return 1;
		}
		if (j != ldns_rr_list_rr_count(lists[s]))
			return differ(out, "%s: ldns holds %zu records, we %zu", section_names[s],
			              ldns_rr_list_rr_count(lists[s]), j);
	}
	if (!seen_opt && (pkt->_edns_present || m->opt_off))
		return differ(out, "OPT found by ldns only");
	if (!seen_tsig && (ldns_pkt_tsig(pkt) || m->tsig_off))
		return differ(out, "TSIG found by ldns only");
	return 0;
}

/* The verdict, with every legitimate difference and its reason. */
static enum dns_diff_verdict verdict(const uint8_t *wire, size_t len, const struct dns_msg *m,
                                     const ldns_pkt *pkt, const struct walk *w,
                                     struct dns_diff_result *out)
{
	int ours_ok = out->ours == DNS_OK, ldns_ok = out->ldns == LDNS_STATUS_OK;
	if (w->mismatch)
		return DNS_DIFF_DISAGREE;
	/* Our two readings must agree: the record walk and dns_msg_parse. */
	if (!w->ours_failed && !w->ldns_diverged) {
		int expect = w->opt_bad || w->tsig_bad ? out->ours : w->end != len ? DNS_ETRAILING : DNS_OK;
		if (out->ours != expect || (out->ours == DNS_EOPT && !w->opt_bad) ||
		    (out->ours == DNS_ETSIGPOS && !w->tsig_bad)) {
			differ(out, "dns_msg_parse says %s, the record walk otherwise", dns_strerror(out->ours));
			return DNS_DIFF_DISAGREE;
		}
	}
	if (w->ours_failed && out->ours != w->ours_rc && out->ours != DNS_EOPT &&
	    out->ours != DNS_ETSIGPOS) {
		differ(out, "dns_msg_parse says %s, the record walk %s", dns_strerror(out->ours),
		       dns_strerror(w->ours_rc));
		return DNS_DIFF_DISAGREE;
	}
	if (!ours_ok && !ldns_ok)
		return DNS_DIFF_BOTH_REJECT;
	/* ldns reads a record's RDATA by its type's schema: it rejects what does not fit, or ends
	 * the record elsewhere than rdlength and reads on from there. We take RDATA as opaque
	 * bytes; from that record on the two readings are of different things. */
	if (w->ldns_diverged) {
		if (ours_ok && ldns_ok && compare_header(m, pkt, out))
			return DNS_DIFF_DISAGREE;
		return DNS_DIFF_LDNS_RDATA;
	}
	if (ours_ok && ldns_ok)
		return compare_packet(wire, len, m, pkt, out) ? DNS_DIFF_DISAGREE : DNS_DIFF_BOTH_ACCEPT;
	if (ours_ok) {
		differ(out, "ldns rejects (%s), we accept", ldns_get_errorstr_by_id((ldns_status)out->ldns));
		return DNS_DIFF_DISAGREE;
	}
	switch (out->ours) {
	case DNS_ETRAILING:
		/* RFC 1035 counts every record: bytes after the last are not DNS. ldns stops reading
		 * at the counts and says nothing; all it read must equal what we read. */
		return compare_packet(wire, len, m, pkt, out) ? DNS_DIFF_DISAGREE : DNS_DIFF_TRAILING;
	case DNS_EPTR:
		/* We follow only pointers strictly backwards (each below the last), never into the
		 * header: every decode terminates by construction. ldns follows any pointer to
		 * 1..len-1 and stops after 65,535 of them. */
		if (w->bad_pointer)
			return DNS_DIFF_POINTER;
		break;
	case DNS_EOPT:
		/* RFC 6891 §6.1.1: one OPT at most, in the additional section, owned by the root. ldns
		 * keeps the last OPT's fields, and takes an OPT elsewhere as a plain record. */
		if (w->opt_bad)
			return DNS_DIFF_OPT;
		break;
	case DNS_ETSIGPOS:
		/* RFC 8945 §5.1: TSIG is the last record. ldns takes it out wherever it is, and as it
		 * lowers arcount inside its loop, does not read the records that follow. */
		if (w->tsig_bad)
			return DNS_DIFF_TSIG;
		break;
	default:
		break;
	}
	differ(out, "we reject (%s), ldns accepts", dns_strerror(out->ours));
	return DNS_DIFF_DISAGREE;
}

enum dns_diff_verdict dns_diff_compare(const uint8_t *wire, size_t len, struct dns_diff_result *out)
{
	memset(out, 0, sizeof(*out));
	struct dns_msg m;
	out->ours = dns_msg_parse(wire, len, &m);
	ldns_pkt *pkt = NULL;
	out->ldns = (int)ldns_wire2pkt(&pkt, wire, len);
	if (out->ldns != LDNS_STATUS_OK && pkt) {
		ldns_pkt_free(pkt); /* not set on failure; defensive */
		pkt = NULL;
	}
	struct walk w;
	walk(wire, len, &w, out);
	out->verdict = verdict(wire, len, &m, pkt, &w, out);
	ldns_pkt_free(pkt);
	return out->verdict;
}

const char *dns_diff_verdict_name(enum dns_diff_verdict v)
{
	static const char *const names[DNS_DIFF_VERDICTS] = {
		"both_accept", "both_reject", "trailing", "pointer", "opt", "tsig", "ldns_rdata", "DISAGREE",
	};
	return v < DNS_DIFF_VERDICTS ? names[v] : "?";
}

enum dns_diff_verdict dns_diff_tally_add(struct dns_diff_tally *t, const uint8_t *wire, size_t len,
                                         struct dns_diff_result *out)
{
	enum dns_diff_verdict v = dns_diff_compare(wire, len, out);
	t->total++;
	t->n[v]++;
	return v;
}
