#version 300 es
// Text: coverage times the text colour. texelFetch, not texture(): glyphs are drawn at
// exactly their rasterized size, so no filtering is needed, and with a software
// rasterizer skipping the sampler's normalisation and filtering is most of this shader.
precision mediump float;

uniform sampler2D u_atlas;

in vec2 v_texel;
in vec4 v_color;

out vec4 frag;

void main() {
  float a = texelFetch(u_atlas, ivec2(v_texel), 0).r * v_color.a;
  frag = vec4(v_color.rgb * a, a);
}
