import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from '@livedesk/testing';

/** A local SMTP server that keeps every mail it receives (the outbound relay of tests). */
export interface SmtpSink {
  port: number;
  mails: ParsedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(port?: number): Promise<SmtpSink> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  const listenOn = port ?? (await freePort());
  await new Promise<void>((resolve) => server.listen(listenOn, '127.0.0.1', () => resolve()));
  return { port: listenOn, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
