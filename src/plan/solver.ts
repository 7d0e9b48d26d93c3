/**
 * A mixed-integer linear program in column-compressed form, and the small interface a solver
 * implements. The planner builds the model; the shell supplies the solver (HiGHS), so the core stays
 * free of WebAssembly and clocks.
 */
export interface MipModel {
  readonly numCols: number;
  readonly numRows: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  /** CSC: column j's entries are index/value[start[j] .. start[j+1]). */
  readonly start: Int32Array;
  readonly index: Int32Array;
  readonly value: Float64Array;
  /** 1 for integer columns, 0 for continuous. */
  readonly integrality: Int32Array;
  /** Constant added to the objective. */
  readonly offset: number;
}

export type MipStatus = 'optimal' | 'time-limit' | 'infeasible' | 'interrupted' | 'error';

export interface MipResult {
  readonly status: MipStatus;
  /** Column values of the best solution found (empty when none). */
  readonly x: Float64Array;
  /** Row duals of an LP solve (empty for a MIP or when none). Minimisation: ≤ rows have duals ≤ 0. */
  readonly rowDual?: Float64Array;
  readonly objective: number;
  /** The solver's proven lower bound on the optimum (minimisation). */
  readonly dualBound: number;
  readonly nodes: number;
  readonly seconds: number;
  readonly message?: string;
}

export interface MipSolveOptions {
  readonly timeLimitSeconds: number;
  /** Stop when (objective − bound) / objective falls to this. */
  readonly relativeGap: number;
  /** Called as the solver improves (fraction 0–1 of the way, best objective, bound). */
  readonly onProgress?: (info: { objective: number; bound: number }) => void;
  /** Solve the LP relaxation only (integrality ignored). */
  readonly relaxed?: boolean;
  /** Solver-specific options passed through by name (e.g. HiGHS `presolve: 'off'`). */
  readonly highsOptions?: Readonly<Record<string, string | number | boolean>>;
}

/** What the planner needs of a MIP solver. A fresh native instance per call. */
export interface MipSolver {
  solve(model: MipModel, options: MipSolveOptions): MipResult;
  /**
   * An LP relaxation the solver keeps between solves, so that rows and columns can join it and the
   * next solve starts from the last basis (column generation). Dispose of it when done.
   */
  openRelaxation(model: MipModel, options: MipSolveOptions): LpSession;
}

/** A relaxation held by the solver: solve, add, solve again from where it was. */
export interface LpSession {
  solve(): MipResult;
  add(change: ModelChange): void;
  dispose(): void;
}

/** Rows and columns added to a model since it was last handed to a solver. */
export interface ModelChange {
  /** New rows: bounds, and their entries on columns the solver already has (CSR). */
  readonly rows: {
    readonly lower: Float64Array;
    readonly upper: Float64Array;
    readonly start: Int32Array;
    readonly index: Int32Array;
    readonly value: Float64Array;
  };
  /** New columns: cost, bounds and all their entries (CSC; rows include the new ones). */
  readonly cols: {
    readonly cost: Float64Array;
    readonly lower: Float64Array;
    readonly upper: Float64Array;
    readonly start: Int32Array;
    readonly index: Int32Array;
    readonly value: Float64Array;
  };
}
