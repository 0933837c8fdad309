#version 300 es
// Text is coverage times the text colour; colour glyphs are drawn as they are
// (premultiplied RGBA in the atlas), dimmed only by the colour's alpha (faint).
precision mediump float;

uniform sampler2D u_coverage;
uniform sampler2D u_color;

in vec2 v_uv;
in vec4 v_color;
flat in uint v_flags;

out vec4 frag;

void main() {
  if ((v_flags & 1u) != 0u) {
    frag = texture(u_color, v_uv) * v_color.a;
  } else {
    float coverage = texture(u_coverage, v_uv).r;
    float a = coverage * v_color.a;
    frag = vec4(v_color.rgb * a, a);
  }
}
