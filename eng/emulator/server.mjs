// The local AWS endpoint: fauxqs (SQS + S3) and dynalite (DynamoDB) behind one loopback port, the way
// LocalStack's edge port serves every service. A request whose X-Amz-Target names the DynamoDB API
// (`DynamoDB_20120810.Query`, …) goes to dynalite; everything else to fauxqs, with the S3 conditional writes
// fauxqs 2.4.1 lacks added by conditional-writes.mjs (remove that when fauxqs has them). One endpoint keeps
// `Aws:ServiceUrl` one setting, and lets the chaos tests' fault proxy stand in front of all three services.
// Usage: node server.mjs [port]    (port 0 picks a free one)
// EMULATOR_DYNAMODB_PATH: dynalite's LevelDB folder (make bench-index's default); unset, tables live in memory (make run, tests).
// EMULATOR_HOST: the address to listen on, 127.0.0.1 unless set (eng/e2e-chart.sh runs it in a pod: 0.0.0.0).
// Prints one line `listening http://127.0.0.1:PORT` once it accepts connections, so callers
// (make run, the integration tests) can wait for it without polling.
import http from "node:http";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";
import { addConditionalWrites } from "./conditional-writes.mjs";
import { addBucketNotifications } from "./bucket-notifications.mjs";
import { addPresignedRequestChecks } from "./presigned-requests.mjs";

const modules = process.env.EMULATOR_MODULES
  ?? path.resolve(import.meta.dirname, "../../.deps/emulator/node_modules");
const { buildApp } = await import(pathToFileURL(path.join(modules, "fauxqs/dist/app.js")).href);
const { S3Store } = await import(pathToFileURL(path.join(modules, "fauxqs/dist/s3/s3Store.js")).href);
const { SqsStore } = await import(pathToFileURL(path.join(modules, "fauxqs/dist/sqs/sqsStore.js")).href);
const dynalite = createRequire(path.join(modules, "noop.js"))("dynalite");

const port = Number.parseInt(process.argv[2] ?? process.env.EMULATOR_PORT ?? "4566", 10);
// Our own stores so the conditional-write check sees the objects and the bucket events reach the queues; buildApp
// makes the SNS store. The presigned-URL check goes first: its preHandler must refuse before the others act.
const region = "us-east-1";
const s3Store = new S3Store();
const sqsStore = new SqsStore();
const app = buildApp({ logger: false, defaultRegion: region, stores: { s3Store, sqsStore } });
addPresignedRequestChecks(app, modules);
await addConditionalWrites(app, s3Store, modules);
await addBucketNotifications(app, { s3Store, sqsStore, modules, region });
await app.ready();

// dynalite builds an http.Server around its request handler; we take the handler and never listen on its server.
// Tables are ACTIVE at once (DynamoDB takes seconds; nothing here waits on that).
const dynamoDb = dynalite({
  path: process.env.EMULATOR_DYNAMODB_PATH || undefined,
  createTableMs: 0, deleteTableMs: 0, updateTableMs: 0,
});
const dynamoDbHandler = dynamoDb.listeners("request")[0];

const server = http.createServer((request, response) => {
  const target = request.headers["x-amz-target"];
  if (typeof target === "string" && target.startsWith("DynamoDB_")) dynamoDbHandler(request, response);
  else app.routing(request, response);
});
await new Promise((resolve, reject) => {
  server.once("error", reject);
  server.listen(port, process.env.EMULATOR_HOST || "127.0.0.1", resolve);
});
console.log(`listening http://${server.address().address}:${server.address().port}`);

const close = async () => {
  server.close();
  await app.close();
  await new Promise(resolve => dynamoDb.close(() => resolve()));
  process.exit(0);
};
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, close);
// Exit with the parent: tests start us with stdin piped and close it when they finish.
if (process.env.EMULATOR_EXIT_ON_STDIN_CLOSE === "1") {
  process.stdin.on("end", close);
  process.stdin.resume();
}
