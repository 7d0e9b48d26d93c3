import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  AmbientLight,
  BoxGeometry,
  Color,
  DirectionalLight,
  EdgesGeometry,
  Group,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshLambertMaterial,
  PerspectiveCamera,
  Raycaster,
  Scene,
  Vector2,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import type { LoadPlan } from '../api/index.ts';

const HIGHLIGHT = new MeshLambertMaterial({ color: '#1d6fb8' });

const BOX_COLOURS = ['#d08c60', '#c9a86a', '#b5835a', '#e0b084', '#a6784f', '#d9a066', '#bf9262'];

/** Whether this browser can draw WebGL at all (headless or old browsers may not). */
function hasWebGl(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

/**
 * A load plan in 3D (three.js): the container as a wire frame, each placed box as a carton, shown box by
 * box up to `shown`. Drag or use the arrow keys to turn it, +/- to zoom. Millimetres become metres.
 * Without WebGL it draws the plan seen from above and from the side instead.
 */
export function Container3d({
  plan,
  shown,
  labels,
}: {
  plan: LoadPlan;
  shown: number;
  /** A name per box id (the parcel's order number), shown with its id when the box is pointed at. */
  labels?: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  const host = useRef<HTMLDivElement>(null);
  const state = useRef<{
    controls: OrbitControls;
    camera: PerspectiveCamera;
    boxes: Group;
    render: () => void;
    reset: () => void;
    pick: (clientX: number, clientY: number) => number | undefined;
    highlight: (index: number | undefined) => void;
  }>(undefined);
  const [webgl] = useState(hasWebGl);
  const [pointed, setPointed] = useState<number>();
  const [selected, setSelected] = useState<number>();
  const current = selected ?? pointed;
  const box = current !== undefined ? plan.placements[current] : undefined;

  useEffect(() => {
    if (!webgl || !host.current) return;
    const el = host.current;
    const { lengthMm, widthMm, heightMm } = plan.container;
    const L = lengthMm / 1000;
    const W = widthMm / 1000;
    const H = heightMm / 1000;
    const scene = new Scene();
    scene.background = new Color('#f4f6f8');
    const camera = new PerspectiveCamera(40, el.clientWidth / el.clientHeight, 0.1, 200);
    const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    renderer.setPixelRatio(Math.min(2, window.devicePixelRatio));
    renderer.setSize(el.clientWidth, el.clientHeight);
    el.appendChild(renderer.domElement);
    renderer.domElement.setAttribute('aria-hidden', 'true');

    scene.add(new AmbientLight('#ffffff', 1.6));
    const sun = new DirectionalLight('#ffffff', 1.8);
    sun.position.set(L, H * 4, W * 3);
    scene.add(sun);

    // x along the length to the doors, y across, z up (the load plan's axes) → three's x, z, y.
    const shell = new LineSegments(
      new EdgesGeometry(new BoxGeometry(L, H, W)),
      new LineBasicMaterial({ color: '#0b4f6c' }),
    );
    shell.position.set(L / 2, H / 2, W / 2);
    scene.add(shell);
    const floor = new Mesh(new BoxGeometry(L, 0.01, W), new MeshLambertMaterial({ color: '#9aa5b1' }));
    floor.position.set(L / 2, -0.005, W / 2);
    scene.add(floor);

    const boxes = new Group();
    const edgeMaterial = new LineBasicMaterial({ color: '#5b3a1e' });
    const materials = BOX_COLOURS.map((c) => new MeshLambertMaterial({ color: c }));
    plan.placements.forEach((p, i) => {
      const geometry = new BoxGeometry(p.dx / 1000, p.dz / 1000, p.dy / 1000);
      const mesh = new Mesh(geometry, materials[i % materials.length]);
      const centre = new Vector3((p.x + p.dx / 2) / 1000, (p.z + p.dz / 2) / 1000, (p.y + p.dy / 2) / 1000);
      mesh.position.copy(centre);
      const edges = new LineSegments(new EdgesGeometry(geometry), edgeMaterial);
      edges.position.copy(centre);
      const g = new Group();
      g.add(mesh, edges);
      boxes.add(g);
    });
    scene.add(boxes);

    const home = new Vector3(L * 1.05, H * 2.6, W * 4.2);
    const homeTarget = new Vector3(L / 2, H / 3, W / 2);
    camera.position.copy(home);
    const controls = new OrbitControls(camera, renderer.domElement);
    controls.target.copy(homeTarget);
    // Zoom and pan stay within reach of the container, so it cannot be lost from view.
    controls.minDistance = Math.max(W, H) * 0.6;
    controls.maxDistance = L * 4;
    const render = () => renderer.render(scene, camera);
    controls.addEventListener('change', render);
    controls.update();
    const reset = () => {
      camera.position.copy(home);
      controls.target.copy(homeTarget);
      controls.update();
    };
    const raycaster = new Raycaster();
    const meshes = boxes.children.map((g) => g.children[0] as Mesh);
    const pick = (clientX: number, clientY: number) => {
      const r = renderer.domElement.getBoundingClientRect();
      const at = new Vector2(((clientX - r.left) / r.width) * 2 - 1, -((clientY - r.top) / r.height) * 2 + 1);
      raycaster.setFromCamera(at, camera);
      const hit = raycaster.intersectObjects(
        meshes.filter((m) => m.parent?.visible),
        false,
      )[0];
      return hit ? meshes.indexOf(hit.object as Mesh) : undefined;
    };
    let lit: number | undefined;
    const highlight = (index: number | undefined) => {
      if (lit !== undefined && meshes[lit]) meshes[lit]!.material = materials[lit % materials.length]!;
      lit = index;
      if (index !== undefined && meshes[index]) meshes[index]!.material = HIGHLIGHT;
      render();
    };
    state.current = { controls, camera, boxes, render, reset, pick, highlight };
    render();

    const observer = new ResizeObserver(() => {
      camera.aspect = el.clientWidth / Math.max(1, el.clientHeight);
      camera.updateProjectionMatrix();
      renderer.setSize(el.clientWidth, el.clientHeight);
      render();
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      controls.dispose();
      renderer.dispose();
      for (const m of materials) m.dispose();
      edgeMaterial.dispose();
      el.removeChild(renderer.domElement);
      state.current = undefined;
    };
  }, [plan, webgl]);

  useEffect(() => {
    const s = state.current;
    if (!s) return;
    s.boxes.children.forEach((c, i) => {
      c.visible = i < shown;
    });
    s.render();
  }, [shown, plan]);

  useEffect(() => {
    state.current?.highlight(current);
  }, [current]);

  const turn = (angle: number, tilt = 0) => {
    const s = state.current;
    if (!s) return;
    const offset = s.camera.position.clone().sub(s.controls.target);
    offset.applyAxisAngle(new Vector3(0, 1, 0), angle);
    if (tilt !== 0) {
      const axis = new Vector3().crossVectors(offset, new Vector3(0, 1, 0)).normalize();
      offset.applyAxisAngle(axis, tilt);
    }
    s.camera.position.copy(s.controls.target).add(offset);
    s.controls.update();
  };
  const zoom = (factor: number) => {
    const s = state.current;
    if (!s) return;
    const offset = s.camera.position.clone().sub(s.controls.target).multiplyScalar(factor);
    s.camera.position.copy(s.controls.target).add(offset);
    s.controls.update();
  };
  const onKey = (e: KeyboardEvent) => {
    const actions: Record<string, () => void> = {
      ArrowLeft: () => turn(-0.15),
      ArrowRight: () => turn(0.15),
      ArrowUp: () => turn(0, 0.1),
      ArrowDown: () => turn(0, -0.1),
      '+': () => zoom(0.9),
      '=': () => zoom(0.9),
      '-': () => zoom(1.1),
      '0': () => state.current?.reset(),
      Home: () => state.current?.reset(),
    };
    const action = actions[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  if (!webgl) return <Projections plan={plan} shown={shown} />;
  return (
    <div className="viewer">
      <div
        ref={host}
        className="viewer-canvas"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the 3D view takes the arrow keys to turn
        tabIndex={0}
        role="img"
        aria-label={t('container.viewerLabel', { count: Math.min(shown, plan.placements.length) })}
        onKeyDown={onKey}
        onPointerMove={(e) => setPointed(state.current?.pick(e.clientX, e.clientY))}
        onPointerLeave={() => setPointed(undefined)}
        onClick={(e) => setSelected(state.current?.pick(e.clientX, e.clientY))}
        data-testid="container-3d"
      />
      <p className="box-caption" aria-live="polite" data-testid="box-caption">
        {box
          ? t('container.box', {
              label: labels?.get(box.boxId) ?? box.boxId,
              id: box.boxId,
              size: `${box.dx} × ${box.dy} × ${box.dz} mm`,
            })
          : t('container.pointAt')}
      </p>
      <fieldset className="viewer-buttons">
        <legend className="sr-only">{t('container.turn')}</legend>
        <button type="button" onClick={() => turn(-Math.PI / 8)} aria-label={t('container.turnLeft')}>
          ⟲
        </button>
        <button type="button" onClick={() => turn(Math.PI / 8)} aria-label={t('container.turnRight')}>
          ⟳
        </button>
        <button type="button" onClick={() => zoom(0.85)} aria-label={t('container.zoomIn')}>
          +
        </button>
        <button type="button" onClick={() => zoom(1.15)} aria-label={t('container.zoomOut')}>
          −
        </button>
        <button type="button" onClick={() => state.current?.reset()} data-testid="reset-view">
          {t('container.reset')}
        </button>
      </fieldset>
    </div>
  );
}

/** Top and side views in SVG, for browsers without WebGL. */
function Projections({ plan, shown }: { plan: LoadPlan; shown: number }) {
  const { t } = useTranslation();
  const { lengthMm: L, widthMm: W, heightMm: H } = plan.container;
  const boxes = plan.placements.slice(0, shown);
  const view = (axis: 'top' | 'side') => (
    <figure>
      <svg
        viewBox={`0 0 ${L} ${axis === 'top' ? W : H}`}
        className="projection"
        role="img"
        aria-label={t(`container.${axis}View`)}
      >
        <rect x={0} y={0} width={L} height={axis === 'top' ? W : H} className="projection-shell" />
        {boxes.map((p) => (
          <rect
            key={p.boxId}
            x={p.x}
            y={axis === 'top' ? p.y : H - p.z - p.dz}
            width={p.dx}
            height={axis === 'top' ? p.dy : p.dz}
            className="projection-box"
          />
        ))}
      </svg>
      <figcaption>{t(`container.${axis}View`)}</figcaption>
    </figure>
  );
  return (
    <div className="projections" data-testid="container-2d">
      <p className="hint">{t('container.noWebgl')}</p>
      {view('top')}
      {view('side')}
    </div>
  );
}
