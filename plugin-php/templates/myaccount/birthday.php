<?php
/**
 * The birthday field: in My Account > Account details (and at the classic
 * checkout when the store asks for it).
 *
 * Override by copying to yourtheme/vafa/myaccount/birthday.php.
 *
 * @package Vafa
 *
 * @var array{month:int,day:int}|null|false $saved    The saved birthday; null when none; false when the service could not say.
 * @var string                              $locale   The shopper's locale.
 * @var string                              $nonce    Nonce action for the field ('' at checkout, whose own nonce covers it).
 * @var bool                                $checkout Whether this is the checkout.
 */

use Vafa\Bonuses\Birthday;
use Vafa\Format;

defined( 'ABSPATH' ) || exit;
$checkout = ! empty( $checkout );
?>
<fieldset class="vafa vafa-birthday" dir="<?php echo Format::is_rtl( $locale ) ? 'rtl' : 'ltr'; ?>">
	<legend><?php esc_html_e( 'Birthday', 'vafa' ); ?></legend>
	<?php if ( false === $saved ) : ?>
	<p class="vafa-birthday-unavailable"><?php esc_html_e( 'Your birthday cannot be shown right now. Please try again later.', 'vafa' ); ?></p>
	<?php elseif ( is_array( $saved ) ) : ?>
	<p class="vafa-birthday-saved" data-month="<?php echo esc_attr( (string) $saved['month'] ); ?>" data-day="<?php echo esc_attr( (string) $saved['day'] ); ?>"><?php echo esc_html( Birthday::label( $saved['month'], $saved['day'], $locale ) ); ?></p>
	<p class="description"><?php esc_html_e( 'Your birthday is saved and cannot be changed here. To correct it, ask the store.', 'vafa' ); ?></p>
	<?php else : ?>
	<p><?php echo $checkout ? esc_html__( 'Tell us your birthday (optional) and we will send you a gift on the day. It can be given only once.', 'vafa' ) : esc_html__( 'Tell us your birthday and we will send you a gift on the day. It can be given only once, so check it before saving.', 'vafa' ); ?></p>
	<p class="form-row form-row-first">
		<label for="vafa_birthday_month"><?php esc_html_e( 'Month', 'vafa' ); ?></label>
		<select name="vafa_birthday_month" id="vafa_birthday_month">
			<option value="">—</option>
			<?php for ( $vafa_m = 1; $vafa_m <= 12; $vafa_m++ ) : ?>
			<option value="<?php echo esc_attr( (string) $vafa_m ); ?>"><?php echo esc_html( Birthday::month_name( $vafa_m, $locale ) ); ?></option>
			<?php endfor; ?>
		</select>
	</p>
	<p class="form-row form-row-last">
		<label for="vafa_birthday_day"><?php esc_html_e( 'Day', 'vafa' ); ?></label>
		<select name="vafa_birthday_day" id="vafa_birthday_day">
			<option value="">—</option>
			<?php for ( $vafa_d = 1; $vafa_d <= 31; $vafa_d++ ) : ?>
			<option value="<?php echo esc_attr( (string) $vafa_d ); ?>"><?php echo esc_html( Format::integer( $vafa_d, $locale ) ); ?></option>
			<?php endfor; ?>
		</select>
	</p>
	<div class="clear"></div>
		<?php if ( '' !== $nonce ) : ?>
			<?php wp_nonce_field( $nonce, $nonce . '_nonce', false ); ?>
		<?php endif; ?>
	<?php endif; ?>
</fieldset>
