#version 300 es
// Glyph quads: text (8-bit coverage times the text colour) or, with u_rgba, colour glyphs
// (the premultiplied RGBA tile times the text colour's alpha, for faint emoji). The
// uniform is the same for a whole draw, so every pixel takes the same side. texelFetch,
// not texture(): glyphs are drawn at exactly their rasterized size, so no filtering is
// needed, and with a software rasterizer skipping the sampler's normalisation and
// filtering is most of this shader.
precision mediump float;

uniform sampler2D u_atlas;
uniform bool u_rgba;

in vec2 v_texel;
in vec4 v_color;

out vec4 frag;

void main() {
  vec4 texel = texelFetch(u_atlas, ivec2(v_texel), 0);
  if (u_rgba) {
    frag = texel * v_color.a;
  } else {
    float a = texel.r * v_color.a;
    frag = vec4(v_color.rgb * a, a);
  }
}
