// S3 conditional writes (If-None-Match on PutObject and CopyObject), which fauxqs 2.4.1 lacks: its
// putObject (fauxqs/dist/s3/actions/putObject.js) never reads the header and always stores. Upstream fauxqs
// added them later (src/s3/conditionalWrites.ts); remove this module when the package feed has that version.
//
// What S3 does (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
//   If-None-Match: *        the write happens only if the key does not exist; else 412 PreconditionFailed.
//   If-None-Match: <other>  501 NotImplemented (S3 takes no ETag here).
// Not covered: If-Match, and If-None-Match on CompleteMultipartUpload (nothing here uses them).
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Adds the check to `app` for objects in `store` (the S3Store given to fauxqs's buildApp).
 *
 * Why two create-only PUTs of one key cannot both pass: the check runs in a callback-style preHandler hook, after
 * the body is read, and calls `done()` synchronously. Fastify 5's hook runner (lib/hooks.js, hookRunnerGenerator)
 * then calls preHandlerCallback → the route handler (lib/handle-request.js, preHandlerCallbackInner) in the same
 * call stack, and fauxqs's PUT handler reaches the synchronous `store.putObject` before its first await. Node runs
 * one callback at a time, so no other request runs between the check and the store.
 */
export async function addConditionalWrites(app, store, modules) {
  const { S3Error } = await import(pathToFileURL(path.join(modules, "fauxqs/dist/common/errors.js")).href);

  const objectExists = (bucket, key) => {
    // A missing bucket passes: the route answers NoSuchBucket as it does for any PUT.
    if (!store.hasBucket(bucket)) return false;
    try {
      store.headObject(bucket, key);
      return true;
    } catch (error) {
      if (error instanceof S3Error && error.code === "NoSuchKey") return false;
      throw error;
    }
  };

  app.addHook("preHandler", (request, reply, done) => {
    const condition = request.headers["if-none-match"];
    if (condition === undefined || !isObjectWrite(request)) return done();
    if (condition !== "*") {
      return sendError(reply, 501, "NotImplemented",
        "A header you provided implies functionality that is not implemented", "<Header>If-None-Match</Header>");
    }
    if (objectExists(request.params.bucket, request.params["*"])) {
      return sendError(reply, 412, "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold", "<Condition>If-None-Match</Condition>");
    }
    done();
  });
}

/** PutObject or CopyObject: a PUT of `/:bucket/<key>` that is not a bucket PUT, a multipart part or a rename. */
function isObjectWrite(request) {
  if (request.method !== "PUT" || request.routeOptions.url !== "/:bucket/*" || !request.params["*"]) return false;
  const query = request.query ?? {};
  return !("renameObject" in query) && !(query.uploadId && query.partNumber);
}

function sendError(reply, status, code, message, detail) {
  reply.code(status).header("content-type", "application/xml").send([
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Error><Code>${code}</Code><Message>${message}</Message>${detail}<HostId>fauxqs</HostId></Error>`,
  ].join("\n"));
}
