#version 300 es
// Fills a rectangle with its colour, or with the pattern of a decoration style:
// curly underlines are a sine wave as thick as a line, dotted and dashed ones are
// switched on and off by x position, and a hollow rectangle (the unfocused cursor) keeps
// only a one-pixel border.
precision highp float;

in vec4 v_color;
in vec2 v_local;
in vec2 v_size;
flat in uint v_style;

out vec4 frag;

void main() {
  float alpha = 1.0;
  if (v_style == 1u) {
    // The rectangle spans the wave's full height; draw a band one "thickness" wide
    // around the curve, anti-aliased over one pixel.
    float thickness = max(1.0, v_size.y / 3.0);
    float amplitude = (v_size.y - thickness) * 0.5;
    float phase = v_local.x / max(v_size.x, 1.0) * 6.2831853;
    float centre = v_size.y * 0.5 + amplitude * sin(phase);
    float d = abs(v_local.y - centre);
    alpha = clamp(thickness * 0.5 + 0.5 - d, 0.0, 1.0);
  } else if (v_style == 2u) {
    float period = max(2.0, v_size.y * 2.0);
    alpha = mod(v_local.x, period) < period * 0.5 ? 1.0 : 0.0;
  } else if (v_style == 3u) {
    float period = max(4.0, v_size.x / 2.0);
    alpha = mod(v_local.x, period) < period * 0.7 ? 1.0 : 0.0;
  } else if (v_style == 4u) {
    bool edge = v_local.x < 1.0 || v_local.y < 1.0 || v_local.x > v_size.x - 1.0 ||
                v_local.y > v_size.y - 1.0;
    alpha = edge ? 1.0 : 0.0;
  }
  float a = v_color.a * alpha;
  frag = vec4(v_color.rgb * a, a);
}
