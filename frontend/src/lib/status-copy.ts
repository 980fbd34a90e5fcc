import type { OrderStatus } from '@metalmart/contracts';

/** How each status reads on the page. A Record over the union: a new status will not compile until worded. */
export const STATUS_COPY: Record<OrderStatus, { label: string; description: string }> = {
  pending: {
    label: 'Pending',
    description: 'Received by the Order Service and waiting in the queue for the Order Processor.',
  },
  processing: { label: 'Processing', description: 'The Order Processor picked it up from Kafka and is working on it.' },
  confirmed: { label: 'Confirmed', description: 'Checked and confirmed. Packing it up for shipping.' },
  shipped: { label: 'Shipped', description: 'Handed to the carrier. It is on its way.' },
};
