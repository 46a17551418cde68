import type { FastifyReply } from 'fastify';
import type { DoorAnswer } from './rest-door.service';

/** Writes a REST answer: its status, its JSON body, and the headers that go with it. */
export async function sendAnswer(reply: FastifyReply, answer: DoorAnswer): Promise<void> {
  if (answer.location) void reply.header('location', answer.location);
  if (answer.replayed) void reply.header('idempotent-replayed', 'true');
  await reply.status(answer.status).type('application/json; charset=utf-8').send(answer.body);
}
