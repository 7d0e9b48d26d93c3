/** Colours and order of the corridors and modes, shared by the map, the board and the charts. */
export const CORRIDOR_COLOURS: Readonly<Record<string, string>> = {
  'cr-express': '#c8553d',
  ilstc: '#2a9d8f',
  yangtze: '#1d6fb8',
  air: '#6a4c93',
  feeder: '#8a5a00',
};

export const MODE_COLOURS: Readonly<Record<string, string>> = {
  rail: '#c8553d',
  sea: '#1d6fb8',
  river: '#2a9d8f',
  air: '#6a4c93',
  road: '#8a5a00',
};

/** Dash patterns per mode so lines are told apart without colour. */
export const MODE_DASH: Readonly<Record<string, string | undefined>> = {
  rail: undefined,
  sea: '8 4',
  river: '2 3',
  air: '1 5',
  road: '6 2 1 2',
};

export const CORRIDOR_ORDER = ['cr-express', 'ilstc', 'yangtze', 'air', 'feeder'] as const;
