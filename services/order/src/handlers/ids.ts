import { randomBytes, randomInt, randomUUID } from 'node:crypto';

// Order ids are UUIDv4 (122 random bits) and tracking tokens 144 random bits: neither can be guessed.
// The order number is only for people to read out; it grants nothing.
const ORDER_NUMBER_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I

export function newOrderIds(): { id: string; orderNumber: string; trackingToken: string } {
  return {
    id: randomUUID(),
    orderNumber: `MM-${Array.from({ length: 7 }, () => ORDER_NUMBER_ALPHABET[randomInt(ORDER_NUMBER_ALPHABET.length)]).join('')}`,
    trackingToken: randomBytes(18).toString('base64url'),
  };
}

export const newEventId: () => string = randomUUID;
