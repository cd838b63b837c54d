// Drives InterFAX's official Node client (npm interfax 0.8.4), unmodified, against a local
// server. Its host (rest.interfax.net:443) is a literal in the library, but the https module is
// injected (client._https): we hand it a module whose request() aims the same options at the
// test's TLS front and trusts the test CA. Prints one JSON line of results.
'use strict';

const fs = require('fs');
const https = require('https');
const InterFAX = require('interfax');

const port = Number(process.env.IFX_PORT);
const ca = fs.readFileSync(process.env.IFX_CA);
const files = JSON.parse(process.env.IFX_FILES);
const password = process.env.IFX_PASSWORD;

function client(username) {
  const interfax = new InterFAX({ username, password });
  interfax._client._https = {
    request: (options) => https.request({ ...options, host: '127.0.0.1', port, ca, servername: 'localhost' }),
  };
  return interfax;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function finished(interfax, id) {
  for (let i = 0; i < 300; i++) {
    const fax = await interfax.outbound.find(id);
    if (fax.status >= 0) return fax;
    await sleep(200);
  }
  throw new Error(`fax ${id} did not finish`);
}

async function failure(promise) {
  try {
    await promise;
    return null;
  } catch (error) {
    return error;
  }
}

async function main() {
  const alice = client('alice');
  const bob = client('bob');
  const out = {};

  const one = await alice.deliver({ faxNumber: '+12125550100', file: files.text, reference: 'node-one' });
  const two = await alice.deliver({ faxNumber: '+12125550100', files: [files.text, files.pdf] });
  const big = await alice.deliver({ faxNumber: '+12125550100', file: files.big });
  out.one = await finished(alice, one.id);
  out.two = await finished(alice, two.id);
  out.big = await finished(alice, big.id);
  out.location = one.url;
  out.all = (await alice.outbound.all({ limit: 10 })).map((f) => f.id);
  out.completed = (await alice.outbound.completed([one.id, two.id])).map((f) => f.id);
  const image = await alice.outbound.image(one.id);
  out.image = { type: image.contentType, head: image.dataBuffer.slice(0, 4).toString('hex') };
  out.search = (await alice.outbound.search({ faxNumber: '+12125550100', reference: 'node-one' })).map((f) => f.id);

  const later = new Date(Date.now() + 2 * 86400000).toISOString().replace(/\.\d+Z$/, 'Z');
  const waiting = await alice.deliver({ faxNumber: '+12125550100', file: files.text, postponeTime: later });
  out.cancel = await alice.outbound.cancel(waiting.id);
  out.cancelled = (await alice.outbound.find(waiting.id)).status;
  out.cancelAgain = await failure(alice.outbound.cancel(waiting.id));

  const document = await alice.documents.create('manual.pdf', fs.statSync(files.pdf).size);
  const data = fs.readFileSync(files.pdf);
  await alice.documents.upload(document.id, 0, data.length - 1, data);
  out.document = await alice.documents.find(document.id);
  out.documents = (await alice.documents.all()).length;
  out.documentCancel = await alice.documents.cancel(document.id);
  out.documentGone = await failure(alice.documents.find(document.id));

  await alice.deliver({ faxNumber: process.env.IFX_BOB_NUMBER, file: files.text });
  let inbound = [];
  for (let i = 0; i < 300 && inbound.length === 0; i++) {
    inbound = await bob.inbound.all();
    if (inbound.length === 0) await sleep(200);
  }
  const message = inbound[0];
  out.inbound = message;
  out.inboundFind = (await bob.inbound.find(message.messageId)).messageId;
  const inboundImage = await bob.inbound.image(message.messageId);
  out.inboundImage = { type: inboundImage.contentType, head: inboundImage.dataBuffer.slice(0, 4).toString('hex') };
  out.markRead = await bob.inbound.mark(message.messageId, true);
  out.afterRead = (await bob.inbound.find(message.messageId)).imageStatus;
  out.markUnread = await bob.inbound.mark(message.messageId, false);
  out.afterUnread = (await bob.inbound.find(message.messageId)).imageStatus;
  out.emails = await bob.inbound.emails(message.messageId);
  out.resend = await bob.inbound.resend(message.messageId, 'copy@example.com');
  out.notMine = await failure(alice.inbound.find(message.messageId));
  out.balance = await alice.account.balance();
  const wrong = new InterFAX({ username: 'alice', password: 'wrong' });
  wrong._client._https = alice._client._https;
  out.badPassword = await failure(wrong.outbound.all());
  console.log(JSON.stringify(out));
}

main().catch((error) => {
  console.log(JSON.stringify({ error: String(error && (error.stack || JSON.stringify(error))) }));
  process.exit(1);
});
