// The Rust peer of tools/bench/kernel_copy_bench.cc: one std::io::copy, timed
// the same way (only the copy; a destination pipe or socket until its reader
// has read the last byte; feeders and readers are threads with a 1 MiB
// buffer), and the seconds printed. std::io::copy picks copy_file_range,
// sendfile or splice itself (library/std/src/sys/pal/unix/kernel_copy.rs).
//
//   rust_copy file2file SRC DST SIZE
//   rust_copy file2pipe SRC - SIZE     (a pipe from std::io::pipe)
//   rust_copy file2tcp SRC - SIZE      (loopback TCP)
//   rust_copy pipe2file - DST SIZE
//
// Built by `tools/bench/run kernel_copy` with `rustc -O`; no crates.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Instant;

fn drain(mut r: impl Read) -> u64 {
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => return total,
            Ok(n) => total += n as u64,
        }
    }
}

fn feed(mut w: impl Write, size: u64) {
    let buf = vec![b'x'; 1 << 20];
    let mut done = 0u64;
    while done < size {
        let n = std::cmp::min(buf.len() as u64, size - done) as usize;
        if w.write_all(&buf[..n]).is_err() {
            return;
        }
        done += n as u64;
    }
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: rust_copy file2file|file2pipe|file2tcp|pipe2file SRC DST SIZE");
        std::process::exit(2);
    }
    let (mode, src, dst) = (args[1].as_str(), &args[2], &args[3]);
    let size: u64 = args[4].parse().expect("SIZE");
    let copied;
    let start;
    let seconds = match mode {
        "file2file" => {
            let mut from = File::open(src)?;
            let mut to = File::create(dst)?;
            start = Instant::now();
            copied = io::copy(&mut from, &mut to)?;
            start.elapsed()
        }
        "file2pipe" => {
            let mut from = File::open(src)?;
            let (reader, mut writer) = io::pipe()?;
            start = Instant::now();
            let drainer = thread::spawn(move || drain(reader));
            copied = io::copy(&mut from, &mut writer)?;
            drop(writer);
            drainer.join().expect("reader");
            start.elapsed()
        }
        "file2tcp" => {
            let mut from = File::open(src)?;
            let listener = TcpListener::bind("127.0.0.1:0")?;
            let mut client = TcpStream::connect(listener.local_addr()?)?;
            let (server, _) = listener.accept()?;
            start = Instant::now();
            let drainer = thread::spawn(move || drain(server));
            copied = io::copy(&mut from, &mut client)?;
            client.shutdown(std::net::Shutdown::Write)?;
            drainer.join().expect("reader");
            start.elapsed()
        }
        "pipe2file" => {
            let mut to = File::create(dst)?;
            let (mut reader, writer) = io::pipe()?;
            start = Instant::now();
            let feeder = thread::spawn(move || feed(writer, size));
            copied = io::copy(&mut reader, &mut to)?;
            let elapsed = start.elapsed();
            feeder.join().expect("feeder");
            elapsed
        }
        _ => {
            eprintln!("rust_copy: unknown mode {mode}");
            std::process::exit(2);
        }
    };
    if copied != size {
        eprintln!("rust_copy: copied {copied} of {size} bytes");
        std::process::exit(1);
    }
    println!("{:.6}", seconds.as_secs_f64());
    Ok(())
}
