// Creates DIR/auth.db with better-auth's schema, one user and one API key of
// that user, and writes the key to DIR/key.txt (as benches/drf/drf_bench.py
// setup does for the Django peer).
//
// Usage: node setup.mjs DIR
import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { getMigrations } from "better-auth/db/migration";
import { dataPaths, makeAuth } from "./auth.mjs";

const dir = process.argv[2];
if (!dir) {
    console.error("usage: node setup.mjs DIR");
    process.exit(2);
}
// WAL lets the two workers read while one of them writes the key's
// bookkeeping columns; the setting stays with the file.
new Database(dataPaths(dir).db).pragma("journal_mode = WAL");

const auth = makeAuth(dir);
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const { user } = await auth.api.signUpEmail({
    body: { email: "bench@example.com", password: "bench-password-1234", name: "bench" },
});
const created = await auth.api.createApiKey({ body: { userId: user.id, name: "bench" } });
writeFileSync(dataPaths(dir).key, created.key);
console.log(JSON.stringify({ ok: true }));
