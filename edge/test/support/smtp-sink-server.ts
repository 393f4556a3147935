/**
 * A real SMTP server (nodemailer's smtp-server) for the mail tests, run in its own process:
 *
 *   node --import tsx smtp-sink-server.ts <directory>
 *
 * It listens on 127.0.0.1 with a random port, prints one line `{"port":…}` when ready, and
 * writes every accepted message to `<directory>/<n>.json` as `{ to, from, subject, text }`:
 * `to` is the SMTP envelope recipient (where the message was actually delivered), the rest is
 * the parsed message. Plain SMTP without TLS or login, as a loopback relay would be.
 */
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const dir = process.argv[2];
if (!dir) throw new Error('smtp sink: give the directory to write messages to');
let received = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  size: 1024 * 1024,
  onData(stream, session, callback) {
    simpleParser(stream).then(
      (mail) => {
        const n = received++;
        const record = {
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          subject: mail.subject ?? '',
          text: mail.text ?? '',
        };
        // Written whole, then renamed: a reader never sees half a message.
        const tmp = join(dir, `.${n}.tmp`);
        writeFileSync(tmp, JSON.stringify(record));
        renameSync(tmp, join(dir, `${String(n).padStart(6, '0')}.json`));
        callback();
      },
      (err: unknown) => callback(err instanceof Error ? err : new Error('unparseable message')),
    );
  },
});

server.listen(0, '127.0.0.1', () => {
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('smtp sink: no TCP address');
  process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
