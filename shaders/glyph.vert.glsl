#version 300 es
// Glyph quads: one instance per glyph, placed in pixels, reading a rectangle of an atlas
// texel for pixel (glyphs are rasterized at the size they are drawn).
precision highp float;

uniform vec2 u_viewport;

layout(location = 0) in vec4 a_rect;   // x, y, width, height in pixels
layout(location = 1) in vec4 a_uv;     // atlas x, y, width, height in texels
layout(location = 2) in vec4 a_color;  // text colour (straight alpha)

out vec2 v_texel;
out vec4 v_color;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 pos = a_rect.xy + corner * a_rect.zw;
  v_texel = a_uv.xy + corner * a_uv.zw;
  v_color = a_color;
  vec2 ndc = pos / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
