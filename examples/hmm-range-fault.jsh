// hmm_range_fault() one call at a time: a device mirrors four pages of a process.
// Run: ./hmmlab run examples/hmm-range-fault.jsh
var p = machine().process();
var buf = p.mmap(pages(4));
var gpu = p.mirror("gpu0", buf);          // mmu_interval_notifier_insert()

p.touch(buf.page(0), WRITE);              // the CPU writes page 0: a private page
p.touch(buf.page(1), READ);               // and reads page 1: the shared zero page
display(p.pageTable(buf));

display(gpu.hmmRangeFault(buf));         // no request: a snapshot, nothing faulted in
display(gpu.hmmRangeFault(buf, REQ_FAULT));

// Asking to write page 1 breaks the zero page (do_wp_page): the invalidation moves the notifier's
// sequence, hmm_range_fault() returns -EBUSY and the driver loop starts again.
display(gpu.hmmRangeFault(buf.page(1), REQ_WRITE));
display(gpu.invalidations());

p.madviseDontNeed(buf.pages(2, 4));       // the CPU drops pages 2-3: the device must drop them too
display(gpu.pageTables());

// Device memory: migrate_vma_setup/pages/finalize move the pages; the CPU sees device-private entries.
var dev = p.machine().device("gpu1");
display(dev.migrateToDevice(buf));
display(p.pageTable(buf));
p.touch(buf.page(0), READ);               // a CPU touch brings page 0 back (migrate_to_ram)
p.pageTable(buf)
