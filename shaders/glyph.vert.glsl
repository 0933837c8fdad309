#version 300 es
// Glyph quads: one instance per glyph, placed in pixels, sampling a rectangle of the
// coverage atlas (text) or the colour atlas (emoji).
precision highp float;

uniform vec2 u_viewport;
uniform vec2 u_coverage_size;  // atlas sizes in texels
uniform vec2 u_color_size;

layout(location = 0) in vec4 a_rect;   // x, y, width, height in pixels
layout(location = 1) in vec4 a_uv;     // atlas x, y, width, height in texels
layout(location = 2) in vec4 a_color;  // text colour (straight alpha)
layout(location = 3) in uint a_flags;  // bit 0: colour atlas

out vec2 v_uv;
out vec4 v_color;
flat out uint v_flags;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 pos = a_rect.xy + corner * a_rect.zw;
  vec2 texel = a_uv.xy + corner * a_uv.zw;
  v_uv = (a_flags & 1u) != 0u ? texel / u_color_size : texel / u_coverage_size;
  v_color = a_color;
  v_flags = a_flags;
  vec2 ndc = pos / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
