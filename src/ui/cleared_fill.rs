//! A filled rounded rectangle drawn by clearing the framebuffer's pixels rather than
//! shading triangles: the Run screen's lit panel.
//!
//! Under a software renderer (Mesa's llvmpipe, on machines without a GPU driver) every
//! pixel of an egui mesh runs egui's fragment shader with texture filtering and
//! blending, and the lit panel is the biggest shape the app draws: a third of the
//! window, on the lit frame of every step while playing. A scissored `glClear` fills
//! the same pixels for a fraction of that, and costs no more than the mesh on a GPU.
//! The rounded corners are four small discs drawn the usual way.
//!
//! Where no OpenGL painter runs the callback (the egui_kittest harness), the panel is
//! not filled; everything drawn on top of it still is.

use std::sync::Arc;

use eframe::egui::{self, Color32, Rect, Shape};
use eframe::egui_glow;
use eframe::glow::{self, HasContext as _};

/// The shapes that fill `rect` with `color` and corners of `radius` points.
pub fn cleared_fill(rect: Rect, radius: f32, color: Color32) -> Shape {
    let radius = radius.clamp(0.0, rect.width().min(rect.height()) / 2.0);
    // Two overlapping bands leave the four corner squares to the discs.
    let bands = [
        rect.shrink2(egui::vec2(0.0, radius)),
        rect.shrink2(egui::vec2(radius, 0.0)),
    ];
    let corners = [
        rect.left_top() + egui::vec2(radius, radius),
        rect.right_top() + egui::vec2(-radius, radius),
        rect.left_bottom() + egui::vec2(radius, -radius),
        rect.right_bottom() + egui::vec2(-radius, -radius),
    ];
    let mut shapes: Vec<Shape> = bands.iter().map(|&band| clear(band, color)).collect();
    shapes.extend(
        corners
            .iter()
            .map(|&centre| Shape::circle_filled(centre, radius, color)),
    );
    Shape::Vec(shapes)
}

/// A paint callback that clears `rect` (within its clip rectangle) to `color`.
fn clear(rect: Rect, color: Color32) -> Shape {
    // The framebuffer is not sRGB (egui_glow turns that off), so the colour's gamma
    // bytes are written as they are, as the window's own clear colour is.
    let [r, g, b, a] = color.to_normalized_gamma_f32();
    let callback = egui_glow::CallbackFn::new(move |info, painter| {
        let viewport = info.viewport_in_pixels();
        let clip = info.clip_rect_in_pixels();
        let left = viewport.left_px.max(clip.left_px);
        let bottom = viewport.from_bottom_px.max(clip.from_bottom_px);
        let right = (viewport.left_px + viewport.width_px).min(clip.left_px + clip.width_px);
        let top = (viewport.from_bottom_px + viewport.height_px)
            .min(clip.from_bottom_px + clip.height_px);
        if right <= left || top <= bottom {
            return;
        }
        let gl = painter.gl();
        // SAFETY: called by egui_glow on the thread that owns the context, with it
        // current; the painter restores its own state (scissor included) afterwards.
        unsafe {
            gl.enable(glow::SCISSOR_TEST);
            gl.scissor(left, bottom, right - left, top - bottom);
            gl.clear_color(r, g, b, a);
            gl.clear(glow::COLOR_BUFFER_BIT);
        }
    });
    Shape::Callback(egui::PaintCallback {
        rect,
        callback: Arc::new(callback),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `point` is inside the rounded rectangle.
    fn in_rounded(rect: Rect, radius: f32, point: egui::Pos2) -> bool {
        let inner = rect.shrink(radius);
        rect.contains(point) && inner.distance_to_pos(point) <= radius
    }

    #[test]
    fn the_bands_and_discs_cover_the_rounded_rectangle_and_nothing_else() {
        let rect = Rect::from_min_size(egui::pos2(8.0, 88.0), egui::vec2(744.0, 342.0));
        let radius = 16.0;
        let Shape::Vec(shapes) = cleared_fill(rect, radius, Color32::BLUE) else {
            panic!("one shape for the bands and discs");
        };
        let covered = |point: egui::Pos2| {
            shapes.iter().any(|shape| match shape {
                Shape::Callback(callback) => callback.rect.contains(point),
                Shape::Circle(circle) => circle.center.distance(point) <= circle.radius,
                other => panic!("unexpected shape {other:?}"),
            })
        };
        let mut inside = 0;
        // Every half point across the rectangle and a margin around it.
        for x in 0..1540 {
            for y in (160..900).step_by(7).chain(170..190).chain(840..870) {
                let point = egui::pos2(x as f32 / 2.0, y as f32 / 2.0);
                let expected = in_rounded(rect, radius, point);
                assert_eq!(covered(point), expected, "at {point:?}");
                inside += usize::from(expected);
            }
        }
        assert!(inside > 100_000, "{inside} points inside");
    }

    #[test]
    fn a_radius_larger_than_the_rectangle_allows_makes_a_pill() {
        let rect = Rect::from_min_size(egui::pos2(0.0, 0.0), egui::vec2(100.0, 20.0));
        let Shape::Vec(shapes) = cleared_fill(rect, 50.0, Color32::BLUE) else {
            panic!("one shape for the bands and discs");
        };
        for shape in &shapes {
            if let Shape::Circle(circle) = shape {
                assert_eq!(circle.radius, 10.0);
            }
        }
    }
}
