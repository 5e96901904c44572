//! Floor: the smallest Rust program that prints one line.

fn main() {
    println!("hello");
}
