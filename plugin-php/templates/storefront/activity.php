<?php
/**
 * The shopper's points activity, a page at a time.
 *
 * Override by copying to yourtheme/vafa/storefront/activity.php.
 *
 * @package Vafa
 *
 * @var array<int,array{when:int,date:string,text:string,delta:int}> $rows     Transactions, newest first ('date' is 'when' written for $locale).
 * @var string                                                       $next_url Link to older activity ('' on the last page).
 * @var string                                                       $locale   The shopper's locale.
 */

use Vafa\Format;

defined( 'ABSPATH' ) || exit;
?>
<?php if ( ! $rows ) : ?>
<div class="vafa vafa-activity"><p><?php esc_html_e( 'No points activity yet.', 'vafa' ); ?></p></div>
<?php else : ?>
<table class="vafa vafa-activity shop_table"><thead><tr><th><?php esc_html_e( 'Date', 'vafa' ); ?></th><th><?php esc_html_e( 'Activity', 'vafa' ); ?></th><th><?php esc_html_e( 'Points', 'vafa' ); ?></th></tr></thead><tbody>
	<?php foreach ( $rows as $row ) : ?>
<tr><td><?php echo esc_html( $row['date'] ?? ( $row['when'] ? Format::date( (int) $row['when'], $locale ) : '' ) ); ?></td><td><?php echo esc_html( $row['text'] ); ?></td><td class="vafa-delta"><?php echo esc_html( 0 === $row['delta'] ? '—' : ( $row['delta'] > 0 ? '+' : '' ) . Format::points( $row['delta'], $locale ) ); ?></td></tr>
	<?php endforeach; ?>
</tbody></table>
	<?php if ( '' !== $next_url ) : ?>
<p><a class="vafa-more" href="<?php echo esc_url( $next_url ); ?>"><?php esc_html_e( 'Older activity', 'vafa' ); ?></a></p>
	<?php endif; ?>
<?php endif; ?>
