/**
 * The cold room's topics. Every topic starts with SITE, a name the checker chooses for each run, so
 * that two runs never see each other's messages.
 *
 *   <SITE>/readings/<freezer>            a reading from a freezer with one probe: { "celsius": -18.5 }
 *   <SITE>/readings/<freezer>/<probe>    a reading from one probe of a freezer with several
 *   <SITE>/status/<freezer>              retained: the freezer's last known state
 *   <SITE>/alerts/<freezer>              an alert, each time a reading is too warm
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the service with learn-nest-micro run or check.`);
  return value;
}

export const MQTT_URL = required('MQTT_URL');
export const SITE = required('SITE');

/** The aggregator's MQTT client id: a fixed id is what lets the broker keep its session. */
export const AGGREGATOR_ID = `${SITE}-aggregator`;

// TODO: a filter that matches every reading, from a freezer with one probe or with several.
export const READINGS = `${SITE}/readings`;

// TODO: the status and alert topics of a freezer, and a way to read the freezer from a reading's topic.
