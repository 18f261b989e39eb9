/**
 * A heap map as SVG, rendered at report time: one cell per slab, one row per segment. Hue says the
 * block size (warm = small blocks, cool = large ones, on a log scale shared by every map so two
 * variants can be compared side by side); lightness says how full the slab is (pale = nearly empty,
 * which is where fragmentation shows). Colours are OKLCH so that lightness reads the same in every
 * hue. Each cell carries a <title>, the browser's own tooltip.
 */
import type { HeapMap, HeapMapSlab } from '@hakmem/contracts';
import { escapeHtml } from './html.ts';
import { formatBytes } from './format.ts';

const CELL = 18;
const GAP = 2;
const STEP = CELL + GAP;
const ROW_LABEL_WIDTH = 44;
const HEADER_HEIGHT = 16;
/** tall heaps wrap into side-by-side blocks of segments rather than one endless column */
const SEGMENTS_PER_BLOCK = 32;
const BLOCK_GAP = 24;

const FREE_COLOR = '#e2e2e2';
const META_COLOR = '#7a7a7a';

/** block sizes the hue scale spans: 8 B (OKLCH hue 25, red) to 1 MiB (hue 305, violet) */
const MIN_LOG2_SIZE = 3;
const MAX_LOG2_SIZE = 20;
const MIN_HUE = 25;
const MAX_HUE = 305;
const CHROMA = 0.16;

export function hueForBlockSize(blockSize: number): number {
  const log2 = Math.log2(Math.max(1, blockSize));
  const t = (log2 - MIN_LOG2_SIZE) / (MAX_LOG2_SIZE - MIN_LOG2_SIZE);
  return Math.round(MIN_HUE + Math.min(1, Math.max(0, t)) * (MAX_HUE - MIN_HUE));
}

function occupancy(slab: HeapMapSlab): number {
  return slab.capacity > 0 ? Math.min(1, slab.usedBlocks / slab.capacity) : 0;
}

/** 94% lightness for an empty slab down to 50% for a full one. */
function lightnessFor(fraction: number): number {
  return Math.round(94 - fraction * 44);
}

function oklch(lightness: number, hue: number): string {
  return `oklch(${lightness}% ${CHROMA} ${hue})`;
}

export function slabColor(slab: HeapMapSlab): string {
  if (slab.kind === 'free') return FREE_COLOR;
  if (slab.kind === 'meta') return META_COLOR;
  return oklch(lightnessFor(occupancy(slab)), hueForBlockSize(slab.blockSize));
}

function slabTitle(slab: HeapMapSlab, slabsPerSegment: number, slabBytes: number): string {
  const where = `slab ${slab.slab} (segment ${Math.floor(slab.slab / slabsPerSegment)}, offset ${formatBytes(slab.slab * slabBytes)})`;
  if (slab.kind === 'free' || slab.kind === 'meta') return `${where}: ${slab.kind}`;
  const what = slab.kind === 'small' ? `small, class ${slab.classIndex}, ${formatBytes(slab.blockSize)} blocks` : `${slab.kind}, ${formatBytes(slab.blockSize)} units`;
  const percent = Math.round(occupancy(slab) * 100);
  return `${where}: ${what}, ${slab.usedBlocks}/${slab.capacity} used (${percent}%)`;
}

export function heapMapSvg(map: HeapMap): string {
  const segments = Math.ceil(map.slabs.length / map.slabsPerSegment);
  if (segments === 0) return '<p class="empty">empty heap</p>';
  const blocks = Math.ceil(segments / SEGMENTS_PER_BLOCK);
  const blockWidth = ROW_LABEL_WIDTH + map.slabsPerSegment * STEP;
  const width = blocks * blockWidth + (blocks - 1) * BLOCK_GAP;
  const height = HEADER_HEIGHT + Math.min(segments, SEGMENTS_PER_BLOCK) * STEP;
  const segmentBytes = map.slabBytes * map.slabsPerSegment;

  const parts: string[] = [];
  for (let block = 0; block < blocks; block++) {
    const left = block * (blockWidth + BLOCK_GAP);
    parts.push(`<text x="${left}" y="11" class="axis">offset</text>`);
    for (let column = 0; column < map.slabsPerSegment; column += 4) {
      parts.push(`<text x="${left + ROW_LABEL_WIDTH + column * STEP}" y="11" class="axis">${column}</text>`);
    }
  }
  for (let segment = 0; segment < segments; segment++) {
    const block = Math.floor(segment / SEGMENTS_PER_BLOCK);
    const top = HEADER_HEIGHT + (segment % SEGMENTS_PER_BLOCK) * STEP;
    const left = block * (blockWidth + BLOCK_GAP);
    parts.push(`<text x="${left}" y="${top + CELL - 3}" class="axis">${escapeHtml(formatBytes(segment * segmentBytes))}</text>`);
  }
  map.slabs.forEach((slab, i) => {
    const segment = Math.floor(i / map.slabsPerSegment);
    const x = Math.floor(segment / SEGMENTS_PER_BLOCK) * (blockWidth + BLOCK_GAP) + ROW_LABEL_WIDTH + (i % map.slabsPerSegment) * STEP;
    const y = HEADER_HEIGHT + (segment % SEGMENTS_PER_BLOCK) * STEP;
    const title = escapeHtml(slabTitle(slab, map.slabsPerSegment, map.slabBytes));
    parts.push(`<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" rx="2" fill="${slabColor(slab)}"><title>${title}</title></rect>`);
  });
  const label = `heap map: ${map.slabs.length} slabs of ${formatBytes(map.slabBytes)} in ${segments} segments of ${formatBytes(segmentBytes)}`;
  return `<svg class="heap-map" role="img" aria-label="${escapeHtml(label)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

/** Bytes in use and capacity of the block-holding chunks, each chunk counted once however many slabs it spans. */
export function heapMapFill(map: HeapMap): { usedBytes: number; capacityBytes: number } {
  const chunks = new Map<number, HeapMapSlab>();
  for (const slab of map.slabs) if (slab.capacity > 0) chunks.set(slab.chunk, slab);
  let usedBytes = 0;
  let capacityBytes = 0;
  for (const chunk of chunks.values()) {
    usedBytes += chunk.usedBlocks * chunk.blockSize;
    capacityBytes += chunk.capacity * chunk.blockSize;
  }
  return { usedBytes, capacityBytes };
}

/** Counts per kind and how full the block-holding chunks are, the numbers behind the picture. */
export function heapMapSummary(map: HeapMap): string {
  const counts = new Map<HeapMapSlab['kind'], number>();
  for (const slab of map.slabs) counts.set(slab.kind, (counts.get(slab.kind) ?? 0) + 1);
  const { usedBytes: used, capacityBytes: capacity } = heapMapFill(map);
  const kinds = (['small', 'mid', 'pages', 'free', 'meta'] as const).map((k) => `${counts.get(k) ?? 0} ${k}`).join(', ');
  const fill = capacity > 0 ? `; ${formatBytes(used)} used of ${formatBytes(capacity)} in block-holding chunks (${Math.round((used / capacity) * 100)}%)` : '';
  return `${map.slabs.length} slabs (${kinds})${fill}`;
}

const LEGEND_SIZES = [16, 256, 4096, 65536, 1 << 20];

/** One legend for all heap maps, since they share the colour scale. */
export function heapMapLegend(): string {
  const hueStops = Array.from({ length: 8 }, (_, i) => oklch(68, MIN_HUE + (i / 7) * (MAX_HUE - MIN_HUE))).join(', ');
  const sizeTicks = LEGEND_SIZES.map((size) => {
    const percent = ((Math.log2(size) - MIN_LOG2_SIZE) / (MAX_LOG2_SIZE - MIN_LOG2_SIZE)) * 100;
    return `<span style="left:${percent.toFixed(1)}%">${formatBytes(size)}</span>`;
  }).join('');
  return `<div class="heap-legend">
<div class="legend-item"><div class="ramp" style="background:linear-gradient(to right, ${hueStops})"></div><div class="ticks">${sizeTicks}</div><div class="caption">hue: block size of the slab</div></div>
<div class="legend-item"><div class="ramp" style="background:linear-gradient(to right, ${oklch(lightnessFor(0), 250)}, ${oklch(lightnessFor(1), 250)})"></div><div class="ticks"><span style="left:0">empty</span><span style="left:100%">full</span></div><div class="caption">lightness: used blocks / capacity</div></div>
<div class="legend-item"><span class="cell" style="background:${FREE_COLOR}"></span> free <span class="cell" style="background:${META_COLOR}"></span> metadata</div>
</div>`;
}
