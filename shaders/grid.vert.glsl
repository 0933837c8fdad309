#version 300 es
// The whole grid as one rectangle: the fragment shader finds each pixel's cell itself, so
// the rasterizer sees two large triangles instead of two small ones per character.
precision highp float;

uniform vec2 u_viewport;  // framebuffer size in pixels
uniform vec4 u_grid;      // grid rectangle: x, y, width, height in pixels

out vec2 v_pixel;  // position relative to the grid's top-left, in pixels

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  v_pixel = corner * u_grid.zw;
  vec2 pos = u_grid.xy + v_pixel;
  vec2 ndc = pos / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
