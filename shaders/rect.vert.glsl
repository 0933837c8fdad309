#version 300 es
// Solid and patterned rectangles: cell backgrounds, underlines of every style,
// strikethrough, overline, the cursor and the client-side title bar. One instance per
// rectangle, four vertices from gl_VertexID (a triangle strip), positions in pixels.
precision highp float;

uniform vec2 u_viewport;  // framebuffer size in pixels

layout(location = 0) in vec4 a_rect;   // x, y, width, height in pixels
layout(location = 1) in vec4 a_color;  // premultiplied by the shader, straight here
layout(location = 2) in uint a_style;  // 0 solid, 1 curly, 2 dotted, 3 dashed, 4 hollow

out vec4 v_color;
out vec2 v_local;  // position inside the rectangle, in pixels
out vec2 v_size;
flat out uint v_style;

void main() {
  vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
  vec2 pos = a_rect.xy + corner * a_rect.zw;
  v_local = corner * a_rect.zw;
  v_size = a_rect.zw;
  v_color = a_color;
  v_style = a_style;
  vec2 ndc = pos / u_viewport * 2.0 - 1.0;
  gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
