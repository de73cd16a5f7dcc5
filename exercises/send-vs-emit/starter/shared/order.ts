/** The payload of the `order_created` event, as the gateway receives it in `POST /orders`. */
export interface OrderCreated {
  orderId: string;
  item: string;
  quantity: number;
}
