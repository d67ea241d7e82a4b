/*
 * The 3D view of the point cloud element: a three.js scene (z up) with the points, the cuboids,
 * the ego vehicle, a perspective orbit camera and orthographic top / side / front cameras.
 * Renders on demand (when something changed), so an idle task costs nothing.
 */
import * as THREE from "./three-0.170.0.module.min.js";
import { corners, EDGES } from "./pc-data.js";

var HANDLE = 0.35;
// Above this many points, a moving camera draws about this many (every k-th point).
var LOD_ABOVE = 20000;
var REST_MS = 150;
// The points' shader: position, colour and a fixed size, nothing else (no fog, no clipping):
// on a software renderer the vertex work is the frame's cost.
var POINT_VS = "precision highp float; uniform mat4 modelViewMatrix; uniform mat4 projectionMatrix;" +
  " uniform float size; attribute vec3 position; attribute vec3 color; varying vec3 vColor;" +
  " void main() { vColor = color; gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0); gl_PointSize = size; }";
var POINT_FS = "precision mediump float; varying vec3 vColor; void main() { gl_FragColor = vec4(vColor, 1.0); }";

export class View {
  constructor(canvas) {
    this.canvas = canvas;
    this.renderer = new THREE.WebGLRenderer({ canvas: canvas, antialias: false, preserveDrawingBuffer: false });
    this.renderer.setPixelRatio(1);
    this.renderer.setClearColor(0x14181f);
    this.scene = new THREE.Scene();
    this.perspective = new THREE.PerspectiveCamera(55, 1, 0.1, 2000);
    this.ortho = new THREE.OrthographicCamera(-10, 10, 10, -10, -1000, 1000);
    [this.perspective, this.ortho].forEach(function (c) { c.up.set(0, 0, 1); });
    this.mode = "orbit";
    this.target = new THREE.Vector3(0, 0, 0);
    this.radius = 30; this.azimuth = -Math.PI / 2 - 0.5; this.elevation = 0.6; this.zoom = 20;
    this.points = null;
    this.sparse = null;
    this.material = new THREE.RawShaderMaterial({ vertexShader: POINT_VS, fragmentShader: POINT_FS, uniforms: { size: { value: 2 } } });
    this.cuboids = new THREE.Group();
    this.scene.add(this.cuboids);
    this.grid = new THREE.GridHelper(100, 50, 0x334050, 0x252d38);
    this.grid.rotation.x = Math.PI / 2;
    this.scene.add(this.grid);
    this.ego = new THREE.Group();
    this.scene.add(this.ego);
    this.raycaster = new THREE.Raycaster();
    this.renders = 0;
    this.dirty = true;
    this.onRender = null;
    var self = this;
    var loop = function () {
      self.resize();
      if (self.dirty) {
        self.dirty = false;
        self.renderer.render(self.scene, self.camera());
        self.renders++;
        if (self.onRender) self.onRender();
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  }

  camera() { return this.mode === "orbit" ? this.perspective : this.ortho; }

  resize() {
    var w = this.canvas.clientWidth, h = this.canvas.clientHeight;
    if (!w || !h) return;
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.renderer.setSize(w, h, false);
      this.dirty = true;
    }
    this.place(w / h);
  }

  /** Put the cameras where the view's parameters say. */
  place(aspect) {
    var t = this.target;
    if (this.mode === "orbit") {
      var ce = Math.cos(this.elevation);
      this.perspective.aspect = aspect;
      this.perspective.position.set(
        t.x + this.radius * ce * Math.cos(this.azimuth),
        t.y + this.radius * ce * Math.sin(this.azimuth),
        t.z + this.radius * Math.sin(this.elevation));
      this.perspective.lookAt(t);
      this.perspective.updateProjectionMatrix();
      return;
    }
    var o = this.ortho, z = this.zoom;
    o.left = -z * aspect; o.right = z * aspect; o.top = z; o.bottom = -z;
    if (this.mode === "top") { o.up.set(0, 1, 0); o.position.set(t.x, t.y, t.z + 100); }
    else if (this.mode === "side") { o.up.set(0, 0, 1); o.position.set(t.x, t.y - 100, t.z); }
    else { o.up.set(0, 0, 1); o.position.set(t.x + 100, t.y, t.z); }
    o.lookAt(t);
    o.updateProjectionMatrix();
  }

  /**
   * Place the current camera now and update its matrices. The render loop places it once per
   * animation frame, but a pointer can be read before the next one comes (a click right after a
   * view key, a pan or a zoom, on a loaded machine): the ray of a camera not yet moved would put
   * a new cuboid where the previous view had the pointer, and miss the one under it.
   */
  sync() {
    var w = this.canvas.clientWidth, h = this.canvas.clientHeight;
    if (w && h) this.place(w / h);
    this.camera().updateMatrixWorld();
  }

  setMode(mode) { this.mode = mode; this.dirty = true; }

  /**
   * Show a frame's points. Two Points objects share the frame's buffers: all of them, drawn at
   * rest, and every LOD-th of them, drawn while the camera moves (a software renderer pays per
   * vertex; a moving view needs the shape, not every point). Both draw the same colours.
   */
  setPoints(frame) {
    var self = this;
    [this.points, this.sparse].forEach(function (o) { if (o) { self.scene.remove(o); o.geometry.dispose(); } });
    var position = new THREE.BufferAttribute(frame.positions, 3);
    this.colorAttr = new THREE.BufferAttribute(frame.colors, 3, true);
    var full = new THREE.BufferGeometry();
    full.setAttribute("position", position);
    full.setAttribute("color", this.colorAttr);
    this.points = new THREE.Points(full, this.material);
    var step = frame.count > LOD_ABOVE ? Math.ceil(frame.count / LOD_ABOVE) : 1;
    var picked = new Uint32Array(Math.ceil(frame.count / step));
    for (var i = 0, k = 0; i < frame.count; i += step) picked[k++] = i;
    var sparse = new THREE.BufferGeometry();
    sparse.setAttribute("position", position);
    sparse.setAttribute("color", this.colorAttr);
    sparse.setIndex(new THREE.BufferAttribute(picked, 1));
    this.sparse = new THREE.Points(sparse, this.material);
    this.sparse.visible = false;
    this.scene.add(this.points, this.sparse);
    this.positions = frame.positions;
    this.grid.position.z = frame.zmin;
    this.dirty = true;
  }

  /** The camera is moving: draw the sparse points until it rests for REST_MS. */
  moving() {
    if (!this.sparse || this.lod === false) return;
    var self = this;
    this.points.visible = false;
    this.sparse.visible = true;
    clearTimeout(this._rest);
    this._rest = setTimeout(function () {
      self.points.visible = true;
      self.sparse.visible = false;
      self.dirty = true;
    }, REST_MS);
  }

  colorsChanged() { if (this.colorAttr) { this.colorAttr.needsUpdate = true; this.dirty = true; } }

  /** The ego vehicle: an arrow along its heading, at its position (not a cuboid to confuse). */
  setEgo(pose) {
    this.ego.clear();
    if (!pose) return;
    var p = pose.position, q = pose.heading;
    var dir = new THREE.Vector3(1, 0, 0).applyQuaternion(new THREE.Quaternion(q.qx, q.qy, q.qz, q.qw).normalize());
    this.ego.add(new THREE.ArrowHelper(dir, new THREE.Vector3(p.x, p.y, p.z), 3, 0x39d98a, 0.9, 0.6));
    var ring = new THREE.Mesh(new THREE.RingGeometry(0.5, 0.65, 24), new THREE.MeshBasicMaterial({ color: 0x39d98a }));
    ring.position.set(p.x, p.y, p.z);
    this.ego.add(ring);
    this.dirty = true;
  }

  /** Draw the frame's cuboids; ``selected`` gets its resize and rotate handles. */
  setCuboids(list, selected, colorOf) {
    this.cuboids.children.forEach(function (o) { o.geometry.dispose(); o.material.dispose(); });
    this.cuboids.clear();
    var self = this;
    list.forEach(function (c) {
      var color = new THREE.Color(colorOf(c.label));
      var pts = corners(c);
      var pos = [];
      EDGES.forEach(function (e) { pos.push.apply(pos, pts[e[0]]); pos.push.apply(pos, pts[e[1]]); });
      var g = new THREE.BufferGeometry();
      g.setAttribute("position", new THREE.Float32BufferAttribute(pos, 3));
      var lines = new THREE.LineSegments(g, new THREE.LineBasicMaterial({ color: c === selected ? 0xffffff : color }));
      self.cuboids.add(lines);
      var body = new THREE.Mesh(new THREE.BoxGeometry(1, 1, 1),
        new THREE.MeshBasicMaterial({ color: color, transparent: true, opacity: c === selected ? 0.35 : 0.18, depthWrite: false }));
      body.position.set(c["center-x"], c["center-y"], c["center-z"]);
      body.scale.set(c.length, c.width, c.height);
      body.rotation.set(c.roll || 0, c.pitch || 0, c.yaw || 0, "XYZ");
      body.userData.cuboid = c;
      self.cuboids.add(body);
      if (c === selected) {
        [["resize", self.handlePoint(c, "resize"), 0xffd400], ["rotate", self.handlePoint(c, "rotate"), 0x00e0ff]].forEach(function (h) {
          var m = new THREE.Mesh(new THREE.SphereGeometry(HANDLE, 12, 8), new THREE.MeshBasicMaterial({ color: h[2] }));
          m.position.set(h[1][0], h[1][1], h[1][2]);
          m.userData.handle = h[0];
          self.cuboids.add(m);
        });
      }
    });
    this.dirty = true;
  }

  /** World position of a cuboid's handle: resize at its +x+y top corner, rotate ahead of its front. */
  handlePoint(c, kind) {
    var cy = Math.cos(c.yaw || 0), sy = Math.sin(c.yaw || 0);
    var lx = kind === "resize" ? c.length / 2 : c.length / 2 + 1.2, ly = kind === "resize" ? c.width / 2 : 0;
    return [c["center-x"] + cy * lx - sy * ly, c["center-y"] + sy * lx + cy * ly, c["center-z"] + c.height / 2];
  }

  _ray(x, y) {
    this.sync();
    var r = this.canvas.getBoundingClientRect();
    var ndc = new THREE.Vector2(((x - r.left) / r.width) * 2 - 1, -((y - r.top) / r.height) * 2 + 1);
    this.raycaster.setFromCamera(ndc, this.camera());
    return this.raycaster;
  }

  /** The handle or cuboid under the pointer: {handle} or {cuboid} or null. */
  pick(x, y) {
    var hits = this._ray(x, y).intersectObjects(this.cuboids.children, false);
    for (var i = 0; i < hits.length; i++) if (hits[i].object.userData.handle) return { handle: hits[i].object.userData.handle };
    for (var j = 0; j < hits.length; j++) if (hits[j].object.userData.cuboid) return { cuboid: hits[j].object.userData.cuboid };
    return null;
  }

  /** Where the pointer's ray meets the horizontal plane z = ``z`` (or the side/front plane). */
  planePoint(x, y, z) {
    var ray = this._ray(x, y).ray;
    var plane = new THREE.Plane(new THREE.Vector3(0, 0, 1), -z);
    if (this.mode === "side") plane = new THREE.Plane(new THREE.Vector3(0, 1, 0), -this.target.y);
    if (this.mode === "front") plane = new THREE.Plane(new THREE.Vector3(1, 0, 0), -this.target.x);
    var hit = new THREE.Vector3();
    return ray.intersectPlane(plane, hit) ? [hit.x, hit.y, hit.z] : null;
  }

  /** Indices of the points within ``radius`` pixels of (x, y) on screen. */
  pointsNear(x, y, radius) {
    if (!this.positions) return [];
    var r = this.canvas.getBoundingClientRect();
    this.sync();
    var cam = this.camera();
    var m = new THREE.Matrix4().multiplyMatrices(cam.projectionMatrix, cam.matrixWorldInverse).elements;
    var px = x - r.left, py = y - r.top, w = r.width, h = r.height, r2 = radius * radius;
    var out = [], P = this.positions;
    for (var i = 0, n = P.length / 3; i < n; i++) {
      var X = P[i * 3], Y = P[i * 3 + 1], Z = P[i * 3 + 2];
      var cw = m[3] * X + m[7] * Y + m[11] * Z + m[15];
      if (cw <= 0) continue;
      var sx = ((m[0] * X + m[4] * Y + m[8] * Z + m[12]) / cw + 1) * 0.5 * w;
      var sy = (1 - (m[1] * X + m[5] * Y + m[9] * Z + m[13]) / cw) * 0.5 * h;
      var dx = sx - px, dy = sy - py;
      if (dx * dx + dy * dy <= r2) out.push(i);
    }
    return out;
  }

  /** Drag the camera: orbit in the perspective view, pan in the others (or with ``pan``). */
  drag(dx, dy, pan) {
    this.moving();
    if (this.mode === "orbit" && !pan) {
      this.azimuth -= dx * 0.008;
      this.elevation = Math.max(-0.2, Math.min(1.5, this.elevation + dy * 0.008));
    } else {
      var scale = this.mode === "orbit" ? this.radius / 600 : (2 * this.zoom) / (this.canvas.clientHeight || 1);
      this.sync();  // pan along the axes of the camera as it is now, not as last drawn
      var cam = this.camera();
      var right = new THREE.Vector3().setFromMatrixColumn(cam.matrixWorld, 0);
      var up = new THREE.Vector3().setFromMatrixColumn(cam.matrixWorld, 1);
      this.target.addScaledVector(right, -dx * scale).addScaledVector(up, dy * scale);
    }
    this.dirty = true;
  }

  wheel(delta) {
    this.moving();
    var f = Math.exp(delta * 0.001);
    if (this.mode === "orbit") this.radius = Math.max(2, Math.min(500, this.radius * f));
    else this.zoom = Math.max(1, Math.min(300, this.zoom * f));
    this.dirty = true;
  }

  lookAt(x, y, z) { this.target.set(x, y, z); this.dirty = true; }
}
