use std::process::ExitCode;

fn main() -> ExitCode {
    aimcp::main()
}
