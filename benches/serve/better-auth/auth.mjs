// The better-auth instance shared by setup.mjs and server.mjs: a SQLite file
// through better-sqlite3 (the file database better-auth's docs show), the
// api-key plugin with its per-key rate limit turned off. Left on, its default
// (10 requests a day per key) would answer 429 to almost the whole load, and
// the bench would time refusals instead of verifications.
import path from "node:path";
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { apiKey } from "@better-auth/api-key";

export function dataPaths(dir) {
    return { db: path.join(dir, "auth.db"), key: path.join(dir, "key.txt") };
}

export function makeAuth(dir) {
    const db = new Database(dataPaths(dir).db);
    return betterAuth({
        database: db,
        secret: "benchmark-only-secret-not-used-for-anything-else",
        baseURL: "http://127.0.0.1",
        emailAndPassword: { enabled: true },
        telemetry: { enabled: false },
        logger: { level: "error" },
        plugins: [apiKey({ rateLimit: { enabled: false } })],
    });
}
