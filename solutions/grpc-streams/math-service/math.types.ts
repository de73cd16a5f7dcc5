// The messages of proto/math.proto as TypeScript sees them.
// The field names are the proto's own (running_total), which holds only with the loader option keepCase: true.
export interface Numbers {
  values: number[];
}

export interface Value {
  value: number;
}

export interface Total {
  running_total: number;
}
