#version 300 es
// Colour glyphs (emoji): premultiplied RGBA from the colour atlas, dimmed only by the
// colour's alpha (faint).
precision mediump float;

uniform sampler2D u_atlas;

in vec2 v_texel;
in vec4 v_color;

out vec4 frag;

void main() { frag = texelFetch(u_atlas, ivec2(v_texel), 0) * v_color.a; }
