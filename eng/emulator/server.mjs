// Starts the fauxqs SQS + S3 emulator on loopback only (its own CLI binds 0.0.0.0), with the S3
// conditional writes fauxqs 2.4.1 lacks added by conditional-writes.mjs (remove that when fauxqs has them).
// Usage: node server.mjs [port]    (port 0 picks a free one)
// Prints one line `listening http://127.0.0.1:PORT` once it accepts connections, so callers
// (make run, the integration tests) can wait for it without polling.
import { pathToFileURL } from "node:url";
import path from "node:path";
import { addConditionalWrites } from "./conditional-writes.mjs";

const modules = process.env.EMULATOR_MODULES
  ?? path.resolve(import.meta.dirname, "../../.deps/emulator/node_modules");
const { buildApp } = await import(pathToFileURL(path.join(modules, "fauxqs/dist/app.js")).href);
const { S3Store } = await import(pathToFileURL(path.join(modules, "fauxqs/dist/s3/s3Store.js")).href);

const port = Number.parseInt(process.argv[2] ?? process.env.EMULATOR_PORT ?? "4566", 10);
// Our own S3Store so the conditional-write check sees the objects; buildApp makes the SQS and SNS stores.
const s3Store = new S3Store();
const app = buildApp({ logger: false, defaultRegion: "us-east-1", stores: { s3Store } });
await addConditionalWrites(app, s3Store, modules);
const address = await app.listen({ port, host: "127.0.0.1" });
console.log(`listening ${address}`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => { await app.close(); process.exit(0); });
}
// Exit with the parent: tests start us with stdin piped and close it when they finish.
if (process.env.EMULATOR_EXIT_ON_STDIN_CLOSE === "1") {
  process.stdin.on("end", async () => { await app.close(); process.exit(0); });
  process.stdin.resume();
}
