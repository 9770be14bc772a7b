/** One section of `npm run bench`: figures as medians of repeated trials, with min/max and ratio to a yardstick measured in the same run. */
export interface BenchFigure { name: string; median: number; min: number; max: number; unit: string; yardstick?: string; ratio?: number; target?: string; met?: boolean }
export interface BenchSection { name: string; figures: BenchFigure[]; notes?: string[] }
