// No console window on Windows release builds (the attribute is ignored elsewhere).
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    juxta_app::run();
}
