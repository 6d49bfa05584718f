import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

const PRESIGN_PARAMETERS = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature']);

/**
 * s3rver checks a presigned URL's expiry but not its signature (its source says SigV4 verification is not
 * implemented), and no S3 server that does can run here. This proxy in front of it does what S3 does for
 * presigned URLs: recomputes the SigV4 query signature with the AWS SDK's own signer and answers 403 when it
 * differs. Everything else passes through to s3rver untouched.
 */
export async function startSigV4VerifyingProxy(
  upstream: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region: string,
  /** Answers a request itself instead of s3rver (true when it did). */
  answer?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>,
) {
  const target = new URL(upstream);
  const server: Server = createServer(async (req, res) => {
    if (answer && (await answer(req, res))) return;
    if (req.url?.includes('X-Amz-Signature=') && !(await signatureMatches(req, credentials, region))) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code></Error>');
      req.resume();
      return;
    }
    const upstreamRequest = forward(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(res);
      },
    );
    upstreamRequest.on('error', () => res.destroy());
    req.pipe(upstreamRequest);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function signatureMatches(req: IncomingMessage, credentials: { accessKeyId: string; secretAccessKey: string }, region: string) {
  const [path, search = ''] = req.url!.split('?');
  const params = new URLSearchParams(search);
  const given = params.get('X-Amz-Signature');
  const amzDate = params.get('X-Amz-Date') ?? '';
  const signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean);
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const [name, value] of params) {
    // The presigner hoisted this header into the query; as a header it also names the payload hash.
    if (name === 'X-Amz-Content-Sha256') headers[name] = value;
    else if (!PRESIGN_PARAMETERS.has(name)) query[name] = value;
  }
  for (const name of signedHeaders) headers[name] = String(req.headers[name] ?? '');
  const [host, port] = (req.headers.host ?? '').split(':');
  const signer = new SignatureV4({ service: 's3', region, credentials, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Number.isNaN(signingDate.getTime())) return false;
  const expected = await signer.presign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: host!, port: port ? Number(port) : undefined, path: path!, query, headers },
    { signingDate, expiresIn: Number(params.get('X-Amz-Expires')) },
  );
  return expected.query?.['X-Amz-Signature'] === given;
}
