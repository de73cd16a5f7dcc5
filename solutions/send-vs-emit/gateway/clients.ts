/** Injection tokens of the two ClientProxy instances the gateway talks through. */
export const INVENTORY = 'INVENTORY';
export const NOTIFICATION = 'NOTIFICATION';
