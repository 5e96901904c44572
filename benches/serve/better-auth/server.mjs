// An HTTP server that verifies the API key of every request with better-auth's
// api-key plugin: 200 when `auth.api.verifyApiKey` says the key is valid, 401
// otherwise (no key, unknown key, or any refusal), 500 if verifying throws.
// The key is read from `x-api-key` or `Authorization: Bearer`. Runs WORKERS
// processes (default 2, like the gunicorn peer's 2 workers) under Node's
// cluster module, sharing one port.
//
// Usage: node server.mjs DIR PORT [WORKERS]   (DIR made by setup.mjs)
import cluster from "node:cluster";
import http from "node:http";
import { makeAuth } from "./auth.mjs";

const [dir, port, workers = "2"] = process.argv.slice(2);
if (!dir || !port) {
    console.error("usage: node server.mjs DIR PORT [WORKERS]");
    process.exit(2);
}

if (cluster.isPrimary) {
    for (let i = 0; i < Number(workers); i++) cluster.fork();
    cluster.on("exit", (worker, code) => {
        console.error(`worker ${worker.process.pid} exited with ${code}`);
        process.exit(1);
    });
    const stop = () => {
        for (const w of Object.values(cluster.workers)) w.process.kill("SIGTERM");
        process.exit(0);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
} else {
    const auth = makeAuth(dir);

    function presentedKey(req) {
        const header = req.headers["x-api-key"];
        if (header) return header;
        const authorization = req.headers.authorization ?? "";
        return authorization.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
    }

    // An exception (the store failing, not a refused key: those come back as
    // `valid: false`) answers 500, so that the bench counts it as an error
    // instead of a quick refusal.
    async function status(key) {
        if (!key) return 401;
        try {
            const result = await auth.api.verifyApiKey({ body: { key } });
            return result.valid === true ? 200 : 401;
        } catch (error) {
            console.error(error);
            return 500;
        }
    }

    http.createServer(async (req, res) => {
        const code = await status(presentedKey(req));
        res.writeHead(code, { "Content-Type": "text/plain", "Content-Length": "0" });
        res.end();
    }).listen(Number(port), "127.0.0.1");
}
