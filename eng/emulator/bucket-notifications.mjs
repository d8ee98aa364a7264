// S3 event notifications to SQS queues, which fauxqs 2.4.1 lacks: it routes `PUT /{bucket}?notification` to
// CreateBucket (200, configuration ignored) and `GET /{bucket}?notification` to ListObjects, and writes send nothing.
// Remove this module when fauxqs has them.
//
// What S3 does, and what this follows:
//   PutBucketNotificationConfiguration / GetBucketNotificationConfiguration
//     (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html,
//      https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketNotificationConfiguration.html):
//     `PUT /{bucket}?notification` with a <NotificationConfiguration> replaces the bucket's whole configuration (an
//     empty one turns notifications off); each <QueueConfiguration> has an optional <Id> (S3 makes one up), a <Queue>
//     ARN, one or more <Event> and an optional <Filter><S3Key><FilterRule> prefix/suffix. S3 checks each destination
//     and refuses the whole configuration with 400 InvalidArgument "Unable to validate the following destination
//     configurations" (ArgumentName1 = the ARN) when it cannot send there; here: no such queue, or a FIFO queue
//     (S3 event notifications do not support FIFO queues). Unless x-amz-skip-destination-validation: true, it sends
//     the s3:TestEvent message to each destination
//     (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html, "test message").
//     `GET /{bucket}?notification` answers the configuration (an empty <NotificationConfiguration/> when none).
//   The event message (same page, event message structure, eventVersion 2.1 — the version S3 sends for
//     ObjectCreated events; 2.2 and 2.3 add fields only for replication, restore and lifecycle events):
//     {"Records":[{eventVersion, eventSource "aws:s3", awsRegion, eventTime, eventName "ObjectCreated:Put",
//     userIdentity {principalId}, requestParameters {sourceIPAddress}, responseElements {x-amz-request-id,
//     x-amz-id-2}, s3 {s3SchemaVersion "1.0", configurationId, bucket {name, ownerIdentity {principalId}, arn},
//     object {key, size, eTag, sequencer}}}]}. The key is URL-encoded as a form value ("red flower.jpg" becomes
//     "red+flower.jpg"; here: every byte of its UTF-8 other than A-Z a-z 0-9 . - * _ / as %XX), the eTag has no
//     quotes, the sequencer is a hex string that grows with each event for a key (compare as S3 says: pad the
//     shorter with zeros on the left; here all are 18 digits and grow across every key). No versionId: fauxqs has
//     no versioning, and S3 leaves the field out for a bucket without it.
//
// Sent: ObjectCreated:Put (PutObject, presigned PUTs included), ObjectCreated:Copy (CopyObject, the destination),
// ObjectCreated:CompleteMultipartUpload, for every QueueConfiguration whose events (exact, or the family's `*`)
// and filter match; one message per matching configuration. A write refused (the conditional writes' 412, a
// missing bucket, …) sends nothing. Not sent: ObjectCreated:Post (browser form uploads), ObjectRemoved:*,
// restore/replication/lifecycle/tagging/ACL events (accepted in a configuration, never emitted). Not checked: S3's
// refusal of overlapping configurations. Topic, Lambda and EventBridge destinations answer 501 NotImplemented.
// Unlike S3 (asynchronous, seconds later), the message is on the queue before the write's response is sent:
// tests need not wait, and a consumer never sees an event for an object it cannot read yet.
//
// Delivery is what SendMessage does for a standard queue (fauxqs/dist/sqs/actions/sendMessage.js): a message from
// SqsStore.createMessage with the queue's DelaySeconds, then queue.enqueue, which wakes long polls; receive counts,
// visibility and the redrive policy then apply as to any message.
import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";

const XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
const ACCOUNT_ID = "000000000000";

// Event types a configuration may name (API_PutBucketNotificationConfiguration → QueueConfiguration.Events;
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html).
const EVENT_TYPES = new Set([
  "s3:ReducedRedundancyLostObject",
  "s3:ObjectCreated:*", "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy",
  "s3:ObjectCreated:CompleteMultipartUpload",
  "s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
  "s3:ObjectRestore:*", "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
  "s3:Replication:*", "s3:Replication:OperationFailedReplication", "s3:Replication:OperationNotTracked",
  "s3:Replication:OperationMissedThreshold", "s3:Replication:OperationReplicatedAfterThreshold",
  "s3:LifecycleExpiration:*", "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
  "s3:LifecycleTransition", "s3:IntelligentTiering",
  "s3:ObjectTagging:*", "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete", "s3:ObjectAcl:Put",
]);

class NotificationError extends Error {
  constructor(status, code, message, detail = "") {
    super(message);
    Object.assign(this, { status, code, detail });
  }
}

/**
 * Adds the configuration API and the event messages to `app` for the buckets of `s3Store` and the queues of
 * `sqsStore` (the stores given to fauxqs's buildApp). `region` goes into each event's awsRegion.
 */
export async function addBucketNotifications(app, { s3Store, sqsStore, modules, region }) {
  const { SqsStore } = await import(pathToFileURL(path.join(modules, "fauxqs/dist/sqs/sqsStore.js")).href);
  /** bucket name → [{ id, queueArn, events: [string], filterRules: [{ name, value }] }] */
  const configurations = new Map();
  let sequencer = BigInt(Date.now()) << 16n;

  const enqueue = (queueArn, message) => {
    const queue = sqsStore.getQueueByArn(queueArn);
    if (!queue) return; // deleted since it was configured: S3 drops the event too
    const delaySeconds = Number.parseInt(queue.attributes.DelaySeconds, 10);
    queue.enqueue(SqsStore.createMessage(JSON.stringify(message), {}, delaySeconds > 0 ? delaySeconds : undefined));
  };

  const putConfiguration = (request, reply, bucket) => {
    const body = Buffer.isBuffer(request.body) ? request.body.toString("utf8") : String(request.body ?? "");
    const queueConfigurations = parseConfiguration(body);
    const validate = request.headers["x-amz-skip-destination-validation"] !== "true";
    if (validate) {
      const refused = queueConfigurations.map(c => c.queueArn).filter(arn => {
        const queue = sqsStore.getQueueByArn(arn);
        return !queue || queue.isFifo();
      });
      if (refused.length > 0) {
        const detail = refused.map((arn, i) =>
          `<ArgumentName${i + 1}>${escapeXml(arn)}</ArgumentName${i + 1}>` +
          `<ArgumentValue${i + 1}>${sqsStore.getQueueByArn(arn) ? "FIFO queues are not supported as destinations"
            : "The destination queue does not exist"}</ArgumentValue${i + 1}>`).join("");
        throw new NotificationError(400, "InvalidArgument", "Unable to validate the following destination configurations", detail);
      }
    }
    if (queueConfigurations.length === 0) configurations.delete(bucket);
    else configurations.set(bucket, queueConfigurations);

    const requestId = newRequestId();
    reply.header("x-amz-request-id", requestId).header("x-amz-id-2", "fauxqs");
    if (validate) {
      for (const queueArn of new Set(queueConfigurations.map(c => c.queueArn))) {
        enqueue(queueArn, {
          Service: "Amazon S3", Event: "s3:TestEvent", Time: new Date().toISOString(),
          Bucket: bucket, RequestId: requestId, HostId: "fauxqs",
        });
      }
    }
    reply.code(200).send();
  };

  const getConfiguration = (reply, bucket) => {
    const entries = (configurations.get(bucket) ?? []).map(c => [
      `<QueueConfiguration><Id>${escapeXml(c.id)}</Id><Queue>${escapeXml(c.queueArn)}</Queue>`,
      ...c.events.map(e => `<Event>${escapeXml(e)}</Event>`),
      c.filterRules.length === 0 ? "" : `<Filter><S3Key>${c.filterRules.map(r =>
        `<FilterRule><Name>${escapeXml(r.name)}</Name><Value>${escapeXml(r.value)}</Value></FilterRule>`).join("")}</S3Key></Filter>`,
      `</QueueConfiguration>`,
    ].join("")).join("");
    reply.code(200).header("content-type", "application/xml").send(
      `<?xml version="1.0" encoding="UTF-8"?>\n<NotificationConfiguration xmlns="${XMLNS}">${entries}</NotificationConfiguration>`);
  };

  // Before the route: fauxqs's own handlers for these URLs would create the bucket or list it.
  app.addHook("preHandler", (request, reply, done) => {
    if (!isNotificationRequest(request)) return done();
    const bucket = request.params.bucket;
    try {
      if (!s3Store.hasBucket(bucket)) {
        throw new NotificationError(404, "NoSuchBucket", "The specified bucket does not exist", `<BucketName>${escapeXml(bucket)}</BucketName>`);
      }
      if (request.method === "PUT") putConfiguration(request, reply, bucket);
      else getConfiguration(reply, bucket);
    } catch (error) {
      if (!(error instanceof NotificationError)) throw error;
      sendError(reply, error);
    }
  });

  // After the route, before the response goes out: the write has happened (fauxqs's handlers store and reply with no
  // await between), so the object read here is the one this request wrote.
  app.addHook("onSend", (request, reply, payload, done) => {
    try {
      const created = reply.statusCode === 200 && objectCreatedEvent(request);
      if (created) {
        const bucket = request.params.bucket;
        const key = request.params["*"];
        for (const configuration of configurations.get(bucket) ?? []) {
          if (!matches(configuration, created, key)) continue;
          const object = s3Store.headObject(bucket, key);
          sequencer += 1n;
          enqueue(configuration.queueArn, { Records: [eventRecord({
            request, reply, region, eventName: created, configurationId: configuration.id, bucket, key,
            size: object.contentLength, eTag: object.etag.replaceAll('"', ""),
            sequencer: sequencer.toString(16).toUpperCase().padStart(18, "0"),
          })] });
        }
      } else if (reply.statusCode === 204 && isBucketDelete(request)) {
        configurations.delete(request.params.bucket);
      }
    } catch (error) {
      return done(error);
    }
    done();
  });
}

function eventRecord({ request, reply, region, eventName, configurationId, bucket, key, size, eTag, sequencer }) {
  const accessKeyId = accessKeyOf(request);
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: region,
    eventTime: new Date().toISOString(),
    eventName,
    userIdentity: { principalId: accessKeyId ? `AWS:${accessKeyId}` : "anonymous" },
    requestParameters: { sourceIPAddress: request.ip },
    responseElements: {
      "x-amz-request-id": String(reply.getHeader("x-amz-request-id") ?? newRequestId()),
      "x-amz-id-2": String(reply.getHeader("x-amz-id-2") ?? "fauxqs"),
    },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId,
      bucket: { name: bucket, ownerIdentity: { principalId: ACCOUNT_ID }, arn: `arn:aws:s3:::${bucket}` },
      object: { key: eventKey(key), size, eTag, sequencer },
    },
  };
}

/** The S3 event name of a write this request made, or undefined. */
function objectCreatedEvent(request) {
  if (request.routeOptions.url !== "/:bucket/*" || !request.params["*"]) return undefined;
  const query = request.query ?? {};
  if (request.method === "PUT") {
    if ("renameObject" in query || (query.uploadId && query.partNumber)) return undefined;
    return request.headers["x-amz-copy-source"] ? "ObjectCreated:Copy" : "ObjectCreated:Put";
  }
  if (request.method === "POST" && query.uploadId && !("uploads" in query)) return "ObjectCreated:CompleteMultipartUpload";
  return undefined;
}

function isNotificationRequest(request) {
  if (request.method !== "PUT" && request.method !== "GET") return false;
  const url = request.routeOptions.url;
  if (url !== "/:bucket" && !(url === "/:bucket/*" && !request.params["*"])) return false;
  return "notification" in (request.query ?? {});
}

function isBucketDelete(request) {
  const url = request.routeOptions.url;
  return request.method === "DELETE" && (url === "/:bucket" || (url === "/:bucket/*" && !request.params["*"]))
    && !("lifecycle" in (request.query ?? {}));
}

function matches(configuration, eventName, key) {
  const event = `s3:${eventName}`;
  const family = event.slice(0, event.lastIndexOf(":") + 1) + "*";
  if (!configuration.events.some(e => e === event || e === family)) return false;
  return configuration.filterRules.every(rule => rule.name.toLowerCase() === "prefix"
    ? key.startsWith(rule.value) : key.endsWith(rule.value));
}

/** The QueueConfigurations of a NotificationConfiguration document; NotificationError when S3 would refuse it. */
function parseConfiguration(xml) {
  const malformed = () => new NotificationError(400, "MalformedXML",
    "The XML you provided was not well-formed or did not validate against our published schema");
  const root = /<NotificationConfiguration(?:\s[^>]*)?(?:\/>|>([\s\S]*)<\/NotificationConfiguration>)/.exec(xml);
  if (!root) throw malformed();
  const content = root[1] ?? "";
  if (/<(TopicConfiguration|CloudFunctionConfiguration|LambdaFunctionConfiguration|EventBridgeConfiguration)\b/.test(content)) {
    throw new NotificationError(501, "NotImplemented",
      "A header you provided implies functionality that is not implemented (the emulator sends events to SQS queues only)");
  }
  return [...content.matchAll(/<QueueConfiguration>([\s\S]*?)<\/QueueConfiguration>/g)].map(([, block]) => {
    const queueArn = element(block, "Queue");
    const events = [...block.matchAll(/<Event>([\s\S]*?)<\/Event>/g)].map(m => unescapeXml(m[1].trim()));
    if (!queueArn || events.length === 0) throw malformed();
    for (const event of events) {
      if (!EVENT_TYPES.has(event)) {
        throw new NotificationError(400, "InvalidArgument", "The event is not supported for notifications",
          `<ArgumentName>${escapeXml(event)}</ArgumentName>`);
      }
    }
    const filterRules = [...block.matchAll(/<FilterRule>([\s\S]*?)<\/FilterRule>/g)].map(([, rule]) => ({
      name: element(rule, "Name") ?? "", value: element(rule, "Value") ?? "",
    }));
    const names = filterRules.map(r => r.name.toLowerCase());
    if (names.some(n => n !== "prefix" && n !== "suffix") || new Set(names).size !== names.length) {
      throw new NotificationError(400, "InvalidArgument",
        "Invalid filter rule name: each rule must be prefix or suffix, at most once each");
    }
    return { id: element(block, "Id") || randomUUID(), queueArn, events, filterRules };
  });
}

function element(xml, name) {
  const match = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return match ? unescapeXml(match[1].trim()) : undefined;
}

/** The key as S3 writes it into an event: URL-encoded as a form value, '/' kept. */
export function eventKey(key) {
  let encoded = "";
  for (const byte of Buffer.from(key, "utf8")) {
    const c = String.fromCharCode(byte);
    if (byte < 0x80 && /[A-Za-z0-9.\-*_/]/.test(c)) encoded += c;
    else if (byte === 0x20) encoded += "+";
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

/** The access key id a request was signed with (header or query-string SigV4), or undefined. */
function accessKeyOf(request) {
  const credential = request.query?.["X-Amz-Credential"]
    ?? /Credential=([^,\s]+)/.exec(request.headers.authorization ?? "")?.[1];
  return typeof credential === "string" ? credential.split("/")[0] : undefined;
}

const newRequestId = () => randomUUID().replaceAll("-", "").toUpperCase().slice(0, 16);

const escapeXml = s => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
  .replaceAll('"', "&quot;").replaceAll("'", "&apos;");
const unescapeXml = s => s.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
  .replaceAll("&apos;", "'").replaceAll("&amp;", "&");

function sendError(reply, { status, code, message, detail }) {
  reply.code(status).header("content-type", "application/xml").send([
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message>${detail}<RequestId>${newRequestId()}</RequestId><HostId>fauxqs</HostId></Error>`,
  ].join("\n"));
}
