// Runs the GraphQL Foundation's graphql-http server audit (serverAudits)
// against the GraphQL endpoint given as the first argument and prints one
// line per audit and a summary. Exits 1 on any warning or error: the
// project's server conforms to every MUST and SHOULD of the audit.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const r of results) {
  counts[r.status]++;
  if (r.status === 'ok') {
    console.log(`ok    ${r.id} ${r.name}`);
    continue;
  }
  console.log(`${r.status.padEnd(5)} ${r.id} ${r.name}: ${r.reason}`);
  if (r.response) {
    const body = await r.response.text().catch(() => '');
    console.log(`      status ${r.response.status}, content-type ${r.response.headers.get('content-type')}, body ${body.slice(0, 300)}`);
  }
}
console.log(`graphql-http audit: ${results.length} audits, ${counts.ok} ok, ${counts.notice} notices, ${counts.warn} warnings, ${counts.error} errors`);
process.exit(counts.warn + counts.error === 0 ? 0 : 1);
