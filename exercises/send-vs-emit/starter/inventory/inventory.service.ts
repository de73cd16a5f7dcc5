import { Injectable } from '@nestjs/common';
import { OrderCreated } from '../shared/order';
import { delay } from '../shared/delay';

export interface Reservation {
  orderId: string;
  item: string;
  quantity: number;
  startedAt: number;
  finishedAt: number | null;
}

export interface StockReport {
  stock: Record<string, number>;
  reservations: Reservation[];
}

/** Provided: keeps the stock and a record of every reservation it worked on. */
@Injectable()
export class InventoryService {
  private readonly stock: Record<string, number> = { book: 100, pen: 100, mug: 100 };
  private readonly reservations: Reservation[] = [];

  async reserve(order: OrderCreated): Promise<void> {
    const reservation: Reservation = { ...order, startedAt: Date.now(), finishedAt: null };
    this.reservations.push(reservation);
    await delay(1000); // the warehouse system takes a second to answer
    this.stock[order.item] = (this.stock[order.item] ?? 0) - order.quantity;
    reservation.finishedAt = Date.now();
  }

  report(): StockReport {
    return { stock: { ...this.stock }, reservations: this.reservations.map((r) => ({ ...r })) };
  }
}
