// One param with the widget its spec calls for. A value that breaks the spec is refused with paramProblem's message.
import { useEffect, useRef, useState } from 'react';
import { MAX_SEED, paramProblem, type ParamSpec } from '../../graph/index.ts';
import { useEngine } from '../engine/session.ts';
import { isTestModel, visibleModels } from '../devSettings.ts';
import { setSeedMode, useSeedMode, type SeedMode } from '../store/seeds.ts';
import { setParam } from '../edit/ops.ts';
import { endGesture } from '../store/graph.ts';

interface Props { nodeId: string; name: string; spec: ParamSpec; value: unknown; compact?: boolean }

export function ParamField({ nodeId, name, spec, value, compact }: Props) {
  const [draft, setDraft] = useState(() => show(value));
  const [problem, setProblem] = useState<string | null>(null);
  // An undo or another view changed the value: show it, unless the draft already says it ("1." while typing 1.5).
  const draftRef = useRef(draft);
  draftRef.current = draft;
  useEffect(() => {
    if (!Object.is(parse(spec, draftRef.current), value)) setDraft(show(value));
    setProblem(null);
  }, [value, spec]);

  const offer = (raw: string | boolean): void => {
    if (typeof raw === 'string') setDraft(raw);
    const parsed = parse(spec, raw);
    const why = paramProblem(spec, parsed);
    setProblem(why);
    if (!why) setParam(nodeId, name, parsed);
  };
  const common = {
    'data-testid': `param-${name}`, className: 'nodrag', 'aria-label': spec.label ?? name, 'aria-invalid': problem !== null,
    onBlur: () => { endGesture(); if (problem) { setDraft(show(value)); setProblem(null); } },
  };

  let widget;
  switch (spec.kind) {
    case 'int':
    case 'float':
    case 'seed': {
      const bounded = spec.kind === 'float' && spec.min !== undefined && spec.max !== undefined;
      const step = spec.kind === 'seed' ? 1 : spec.step ?? (spec.kind === 'int' ? 1 : 'any');
      const min = spec.kind === 'seed' ? 0 : spec.min;
      const max = spec.kind === 'seed' ? MAX_SEED : spec.max;
      widget = (
        <span className="number-row">
          {bounded && !compact && (
            <input type="range" className="nodrag" data-testid={`slider-${name}`} min={min} max={max} step={step}
              value={Number(value)} onChange={(e) => offer(e.target.value)} onPointerUp={endGesture} aria-label={`${name} slider`} />
          )}
          <input type="number" {...common} min={min} max={max} step={step} value={draft} onChange={(e) => offer(e.target.value)} />
          {spec.kind === 'seed' && (
            <button type="button" className="nodrag" data-testid={`randomize-${name}`} title="random seed"
              onClick={() => { offer(String(Math.floor(Math.random() * 2 ** 32))); endGesture(); }}>🎲</button>
          )}
          {spec.kind === 'seed' && <SeedModePicker nodeId={nodeId} name={name} compact={compact} />}
        </span>
      );
      break;
    }
    case 'string':
      widget = spec.multiline
        ? <textarea {...common} className="nodrag nowheel" rows={compact ? 2 : 5} value={draft} onChange={(e) => offer(e.target.value)} />
        : <input type="text" {...common} value={draft} onChange={(e) => offer(e.target.value)} />;
      break;
    case 'choice':
      widget = (
        <select {...common} value={draft} onChange={(e) => { offer(e.target.value); endGesture(); }}>
          {spec.choices.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      );
      break;
    case 'bool':
      widget = <input type="checkbox" {...common} checked={value === true} onChange={(e) => { offer(e.target.checked); endGesture(); }} />;
      break;
    case 'model':
      widget = <ModelPicker common={common} modelKind={spec.modelKind} value={draft} onPick={(v) => { offer(v); endGesture(); }} />;
      break;
  }
  return (
    <label className={`param ${compact ? 'compact' : ''}`}>
      <span className="param-name">{spec.label ?? name}</span>
      {widget}
      {problem && <span className="param-error" data-testid={`param-error-${name}`} role="alert">{problem}</span>}
    </label>
  );
}

/** What the seed does after each run is queued: stays, goes up by one, or becomes a new random one. */
function SeedModePicker({ nodeId, name, compact }: { nodeId: string; name: string; compact?: boolean }) {
  const mode = useSeedMode(nodeId, name);
  return (
    <select className="nodrag seed-mode" data-testid={`seed-mode-${name}`} value={mode} aria-label={`${name} after each run`}
      title="After each run: keep the seed, add one, or pick a random one" onChange={(e) => setSeedMode(nodeId, name, e.target.value as SeedMode)}>
      <option value="fixed">{compact ? 'fixed' : 'after run: fixed'}</option>
      <option value="increment">{compact ? '+1' : 'after run: increment'}</option>
      <option value="randomize">{compact ? 'random' : 'after run: randomize'}</option>
    </select>
  );
}

function ModelPicker({ common, modelKind, value, onPick }: { common: object; modelKind: string; value: string; onPick: (v: string) => void }) {
  const models = useEngine((s) => s.models);
  const fitting = visibleModels(models).filter((m) => modelKind === 'any' || m.kind === modelKind);
  const hidden = value ? models.find((m) => m.id === value && isTestModel(m)) : undefined;
  return (
    <select {...common} value={value} onChange={(e) => onPick(e.target.value)}>
      <option value="">— choose a model —</option>
      {fitting.map((m) => <option key={m.id} value={m.id}>{m.title} ({m.id})</option>)}
      {value && !fitting.some((m) => m.id === value) && <option value={value}>{value} ({hidden ? 'test model' : 'not available'})</option>}
    </select>
  );
}

function show(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : String(value);
}

function parse(spec: ParamSpec, raw: string | boolean): unknown {
  if (typeof raw === 'boolean') return raw;
  if (spec.kind === 'int' || spec.kind === 'float' || spec.kind === 'seed') return raw.trim() === '' ? NaN : Number(raw);
  return raw;
}
