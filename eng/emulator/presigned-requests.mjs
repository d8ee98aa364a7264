// Presigned (query-string authenticated) S3 requests: refused when expired or when the signature does not match, as S3
// refuses them. fauxqs 2.4.1 checks no authentication at all, so without this an expired URL, or a PUT with another
// Content-Type than the URL was signed for, would store the object.
//
// What S3 does (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html): a request that carries
// X-Amz-Algorithm=AWS4-HMAC-SHA256, X-Amz-Credential=<key id>/<date>/<region>/<service>/aws4_request, X-Amz-Date,
// X-Amz-Expires (1..604800 s), X-Amz-SignedHeaders and X-Amz-Signature is valid from X-Amz-Date for X-Amz-Expires
// seconds; after that S3 answers 403 AccessDenied "Request has expired". The signature covers the canonical request
// (method, URI, query without X-Amz-Signature, the signed headers' values, payload hash UNSIGNED-PAYLOAD unless
// X-Amz-Content-Sha256 says otherwise); a request that does not match it — another Content-Type than a signed one,
// another method, another key — gets 403 SignatureDoesNotMatch.
//
// Here: both checks, the signature recomputed with @smithy/signature-v4 (the AWS SDK for JavaScript's signer, in
// .deps/emulator as a dependency of fauxqs) from the request as received. The emulator has no users: the secret key of
// an access key id is the key id itself (test/test in the tests, local/local for make run); a URL signed with another
// secret fails with SignatureDoesNotMatch. Requests signed in the Authorization header, and unsigned ones (curl in
// eng/run-local.sh), are not checked, as before. Not checked: X-Amz-Date in the future, session tokens, the region.
import { createHash, createHmac } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";

/** Adds the check to `app`; add it before hooks that act on a request (it must refuse first). */
export function addPresignedRequestChecks(app, modules) {
  const { SignatureV4, getCanonicalHeaders } = createRequire(path.join(modules, "noop.js"))("@smithy/signature-v4");

  app.addHook("preHandler", async (request, reply) => {
    const query = new URLSearchParams(request.raw.url.includes("?") ? request.raw.url.slice(request.raw.url.indexOf("?") + 1) : "");
    if (!query.has("X-Amz-Signature")) return;

    const amzDate = query.get("X-Amz-Date") ?? "";
    const expires = Number(query.get("X-Amz-Expires"));
    const [accessKeyId, shortDate, region, service] = (query.get("X-Amz-Credential") ?? "").split("/");
    const signedAt = parseAmzDate(amzDate);
    if (query.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256" || !signedAt || !accessKeyId || !region || !service
        || !Number.isInteger(expires) || expires < 1 || expires > 604800 || !query.get("X-Amz-SignedHeaders")) {
      return sendError(reply, 400, "AuthorizationQueryParametersError",
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.", "");
    }
    const now = new Date();
    const expiresAt = new Date(signedAt.getTime() + expires * 1000);
    if (expiresAt < now) {
      return sendError(reply, 403, "AccessDenied", "Request has expired",
        `<X-Amz-Expires>${expires}</X-Amz-Expires><Expires>${iso(expiresAt)}</Expires><ServerTime>${iso(now)}</ServerTime>`);
    }

    const signedHeaders = query.get("X-Amz-SignedHeaders").split(";");
    const headers = {};
    for (const name of signedHeaders) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : String(value);
    }
    const queryObject = {};
    for (const [name, value] of query) {
      queryObject[name] = name in queryObject ? [].concat(queryObject[name], value) : value;
    }
    const signer = new SignatureV4({
      service, region, sha256: NodeSha256, uriEscapePath: false,
      credentials: { accessKeyId, secretAccessKey: accessKeyId },
    });
    // Headers the request does not carry stay out, so the canonical request (and the signature) differ, as at S3.
    const canonicalHeaders = getCanonicalHeaders({ headers }, undefined, new Set(signedHeaders));
    const canonicalRequest = signer.createCanonicalRequest(
      { method: request.method, path: canonicalUri(request.raw.url), query: queryObject },
      canonicalHeaders, query.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD");
    const scope = `${shortDate}/${region}/${service}/aws4_request`;
    const expected = await signer.getSignature(amzDate, scope,
      signer.getSigningKey({ accessKeyId, secretAccessKey: accessKeyId }, region, shortDate, service), canonicalRequest);
    if (expected !== query.get("X-Amz-Signature") || Object.keys(canonicalHeaders).length !== signedHeaders.length) {
      return sendError(reply, 403, "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        `<AWSAccessKeyId>${escapeXml(accessKeyId)}</AWSAccessKeyId><SignatureProvided>${escapeXml(query.get("X-Amz-Signature"))}</SignatureProvided>` +
        `<CanonicalRequest>${escapeXml(canonicalRequest)}</CanonicalRequest>`);
    }
  });
}

/** The canonical URI S3 computes: the path decoded, then each segment URI-encoded once (RFC 3986 unreserved kept). */
function canonicalUri(rawUrl) {
  const rawPath = rawUrl.split("?")[0];
  return rawPath.split("/").map(segment => encodeRfc3986(decodeURIComponent(segment))).join("/");
}

const encodeRfc3986 = s => encodeURIComponent(s).replace(/[!'()*]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function parseAmzDate(value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
}

const iso = date => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The hash the smithy signer takes: new (secret?) → update(data) → digest(): SHA-256, or HMAC-SHA-256 with a secret. */
class NodeSha256 {
  constructor(secret) { this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", secret); }
  update(data) { this.hash.update(data); }
  digest() { return Promise.resolve(new Uint8Array(this.hash.digest())); }
}

const escapeXml = s => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

function sendError(reply, status, code, message, detail) {
  return reply.code(status).header("content-type", "application/xml").send([
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<Error><Code>${code}</Code><Message>${message}</Message>${detail}<HostId>fauxqs</HostId></Error>`,
  ].join("\n"));
}
