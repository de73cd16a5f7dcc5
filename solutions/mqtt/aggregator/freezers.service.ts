import { Injectable } from '@nestjs/common';

/** What a freezer sends: the temperature one probe measured. */
export interface Reading {
  celsius: number;
}

/** A freezer's last known state, as the status topic carries it. */
export interface FreezerState {
  freezer: string;
  celsius: number;
  at: string;
}

/** Above this temperature a freezer is too warm and an alert goes out. */
export const WARMEST_SAFE_CELSIUS = -15;

@Injectable()
export class FreezersService {
  private readonly latest = new Map<string, FreezerState>();

  /** Records a reading and returns the freezer's new state. */
  record(freezer: string, reading: Reading): FreezerState {
    const state = { freezer, celsius: reading.celsius, at: new Date().toISOString() };
    this.latest.set(freezer, state);
    return state;
  }

  isTooWarm(state: FreezerState): boolean {
    return state.celsius > WARMEST_SAFE_CELSIUS;
  }
}
