//! The JSON form of a fuzz input (what reproduces it in JSON mode and what is saved under
//! `ampflux-core/tests/data/fuzz/`), and the result of its check.
//!
//! `cargo run --example decode -- TARGET INPUT [OUTPUT]`

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!(
            "usage: decode TARGET INPUT [OUTPUT]  (targets: {:?})",
            ampflux_fuzz::TARGETS
        );
        std::process::exit(2);
    }
    let data = std::fs::read(&args[2]).expect("read the input");
    let text = ampflux_fuzz::json_form(&args[1], &data);
    match args.get(3) {
        Some(out) => {
            std::fs::write(out, format!("{}\n", text.trim_end())).expect("write the output")
        }
        None => println!("{text}"),
    }
    let original = ampflux_fuzz::check(&args[1], &data);
    let json = ampflux_fuzz::check(&args[1], text.as_bytes());
    eprintln!("check of the input:     {original:?}");
    eprintln!("check of its JSON form: {json:?}");
}
